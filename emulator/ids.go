package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is the Crockford base32 alphabet used by ULIDs: upper case, no I, L, O or U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// idGen makes 26-character ULID-like identifiers (48 bits of milliseconds, 80 random bits),
// the shape Sinch uses, for example 01K9ZD6M1XG3P4T2W8Y6N5QJ7B. They sort in creation
// order: within one millisecond the random part is incremented, and the time part never goes
// back even if the emulator's clock does. They never look like dates, so that clients that
// convert date-like strings cannot mangle them.
type idGen struct {
	mu     sync.Mutex
	lastMS uint64
	hi     uint16 // top 16 bits of the random part
	lo     uint64 // low 64 bits of the random part
}

func (g *idGen) next(now time.Time) string {
	var id [ulidLen]byte
	g.fill(&id, now)
	return string(id[:])
}

// ulidLen is the length of an id.
const ulidLen = 26

// fill writes the next id into id (for a caller that packs it with other strings).
func (g *idGen) fill(id *[ulidLen]byte, now time.Time) {
	ms := uint64(now.UnixMilli())
	g.mu.Lock()
	if ms <= g.lastMS {
		ms = g.lastMS
		g.lo++
		if g.lo == 0 {
			g.hi++
		}
	} else {
		var b [10]byte
		_, _ = rand.Read(b[:])
		g.hi = binary.BigEndian.Uint16(b[:2]) & 0x7fff // leave room to increment
		g.lo = binary.BigEndian.Uint64(b[2:])
		g.lastMS = ms
	}
	hi, lo := g.hi, g.lo
	g.mu.Unlock()
	encodeULID(id, ms, hi, lo)
}

func encodeULID(out *[ulidLen]byte, ms uint64, hi uint16, lo uint64) {
	// 48-bit time in 10 characters (the first carries 3 bits).
	for i := 9; i >= 0; i-- {
		out[i] = crockford[ms&31]
		ms >>= 5
	}
	// 80-bit random part in 16 characters.
	for i := 25; i >= 10; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | uint64(hi&31)<<59
		hi >>= 5
	}
}

// randomToken returns n random bytes in the Crockford alphabet (n characters), for access
// tokens, nonces and secrets.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = crockford[b[i]&31]
	}
	return string(b)
}

// idKey is an id idGen made, as a number: a map keyed by it holds no pointer for the garbage
// collector to follow, as one keyed by the id strings would.
type idKey struct{ hi, lo uint64 }

// less orders keys as their ids sort.
func (k idKey) less(o idKey) bool { return k.hi < o.hi || k.hi == o.hi && k.lo < o.lo }

// crockfordValue maps each character of the alphabet to its value, and every other byte to
// 0xff.
var crockfordValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(crockford) {
		t[crockford[i]] = byte(i)
	}
	return t
}()

// keyOf returns the key of id; ok is false when id is not of the shape idGen makes (26
// characters of the alphabet, the first at most 7), which keeps the keys of distinct ids
// distinct.
func keyOf(id string) (k idKey, ok bool) {
	if len(id) != ulidLen || id[0] > '7' {
		return idKey{}, false
	}
	for i := range ulidLen {
		v := crockfordValue[id[i]]
		if v == 0xff {
			return idKey{}, false
		}
		k.hi = k.hi<<5 | k.lo>>59
		k.lo = k.lo<<5 | uint64(v)
	}
	return k, true
}
