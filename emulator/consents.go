package emulator

import "sort"

func listConsents(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	ids := append([]string(nil), c.proj.consents[appID][c.param("list_type")]...)
	sort.Strings(ids)
	start, end, next, err := c.offsetPage(size, len(ids))
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		out = append(out, doc{"identity": id})
	}
	res := doc{"identities": out}
	if next != "" {
		res["next_page_token"] = next
	}
	return res, nil
}

func listConsentAuditRecords(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	identity := c.param("identity")
	recs := c.proj.audits[appID][identity]
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, r)
	}
	return doc{"identity": doc{"identity": identity}, "audit_records": out}, nil
}
