package commands

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/cmd/sinch/internal/phone"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

func init() { register(sendCommands) }

// recipientFlags are the addressing flags every send command shares.
type recipientFlags struct {
	to          string
	channel     string
	fallback    []string
	fallbackSMS bool
	metadata    string
}

func (f *recipientFlags) register(cmd *cobra.Command, defaultChannel string, channelFlag, fallbackSMS bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.to, "to", "", "recipient's identity on the channel (a phone number in E.164 form for SMS, WhatsApp, RCS)")
	_ = cmd.MarkFlagRequired("to")
	f.channel = defaultChannel
	if channelFlag {
		fs.StringVar(&f.channel, "channel", defaultChannel, "channel to try first")
	}
	if fallbackSMS {
		fs.BoolVar(&f.fallbackSMS, "fallback-sms", false, "fall back to SMS on the same number when "+defaultChannel+" cannot deliver")
	}
	fs.StringSliceVar(&f.fallback, "fallback", nil, "channels to fall back to, in order, as CHANNEL:IDENTITY (IDENTITY defaults to --to), comma-separated")
	fs.StringVar(&f.metadata, "metadata", "", "text echoed in the message's delivery callbacks")
	config.Register(fs, config.SMSSender)
}

// channelOrder is the channels to try with their identities.
type channelOrder []conversation.ChannelRecipientIdentity

// order resolves the primary channel and the fallbacks.
func (f *recipientFlags) order() (channelOrder, error) {
	primary, err := parseChannel(f.channel)
	if err != nil {
		return nil, err
	}
	out := channelOrder{{Channel: primary, Identity: strings.TrimSpace(f.to)}}
	if out[0].Identity == "" {
		return nil, usagef("--to is empty")
	}
	specs := f.fallback
	if f.fallbackSMS {
		specs = append(specs, "SMS")
	}
	if err := checkIdentity("to", out[0].Channel, out[0].Identity); err != nil {
		return nil, err
	}
	for _, spec := range specs {
		ch, id, _ := strings.Cut(strings.TrimSpace(spec), ":")
		c, err := parseChannel(ch)
		if err != nil {
			return nil, usagef("--fallback %q: %v", spec, err)
		}
		if id = strings.TrimSpace(id); id == "" {
			id = out[0].Identity
		}
		if err := checkIdentity("fallback", c, id); err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.Channel == c {
				return nil, usagef("--fallback: channel %s appears twice", c)
			}
		}
		out = append(out, conversation.ChannelRecipientIdentity{Channel: c, Identity: id})
	}
	return out, nil
}

// parseChannel reads a channel name in any case; an unknown one is a usage error that lists
// the channels.
func parseChannel(s string) (conversation.ConversationChannel, error) {
	c := conversation.ConversationChannel(strings.ToUpper(strings.TrimSpace(s)))
	if !c.Valid() || c == "CHANNEL_UNSPECIFIED" {
		return "", usagef("unknown channel %q: use one of SMS, WHATSAPP, RCS, MMS, MESSENGER, VIBER, VIBERBM, TELEGRAM, INSTAGRAM, LINE, KAKAOTALK, KAKAOTALKCHAT, WECHAT, APPLEBC; for example --channel WHATSAPP", s)
	}
	return c, nil
}

// checkIdentity refuses, before sending, an identity the API would refuse on a channel that
// addresses people by phone number.
func checkIdentity(flag string, ch conversation.ConversationChannel, id string) error {
	if phone.Channel(string(ch)) && !phone.Valid(id) {
		return usagef("--%s %q is not a phone number, which %s needs: give it in international (E.164) form, for example --to +15551234567", flag, id, ch)
	}
	return nil
}

// sendRequest builds the messages:send request: the recipient's identities in order, the
// channel priority order when there is more than one, the SMS sender when SMS is among them.
func (a *app) sendRequest(cmd *cobra.Command, f *recipientFlags, appID string, msg conversation.AppMessage) (conversation.SendMessageRequest, error) {
	order, err := f.order()
	if err != nil {
		return conversation.SendMessageRequest{}, err
	}
	targets := make([]recipient.Target, 0, len(order))
	var priority []conversation.ConversationChannel
	for _, o := range order {
		targets = append(targets, recipient.On(o.Channel, o.Identity))
		if !slices.Contains(priority, o.Channel) {
			priority = append(priority, o.Channel)
		}
	}
	req := conversation.SendMessageRequest{AppID: appID, Message: msg, Recipient: recipient.Fallback(targets...)}
	if len(priority) > 1 {
		req.ChannelPriorityOrder = priority
	}
	if sender := a.resolver(cmd).Get(config.SMSSender); sender != "" {
		for _, o := range order {
			if o.Channel == "SMS" {
				req.ChannelProperties = message.Properties(message.SMSSender(sender))
			}
		}
	}
	req.MessageMetadata = f.metadata
	return req, nil
}

// sendCommand makes a send command: build returns the message from the command's own flags.
func (a *app) sendCommand(use, short, example, defaultChannel string, channelFlag bool, flags func(*cobra.Command), build func(*cobra.Command) (conversation.AppMessage, error)) *cobra.Command {
	rf := &recipientFlags{}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			msg, err := build(cmd)
			if err != nil {
				return err
			}
			if _, err := rf.order(); err != nil { // bad input is refused before credentials are looked at
				return err
			}
			if a.dryRun {
				// The request as it would go out; no credentials needed, nothing sent.
				req, err := a.sendRequest(cmd, rf, a.resolver(cmd).Get(config.AppID), msg)
				if err != nil {
					return err
				}
				return a.printJSON(req)
			}
			c, appID, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			req, err := a.sendRequest(cmd, rf, appID, msg)
			if err != nil {
				return err
			}
			resp, err := c.Conversation.Messages.Send(cmd.Context(), req)
			if err != nil {
				return err
			}
			return a.emit(resp, func() {
				var via []string
				for _, o := range req.Recipient.IdentifiedBy.ChannelIdentities {
					via = append(via, string(o.Channel)+" "+o.Identity)
				}
				a.printf("sent message %s at %s via %s\n", str(resp.MessageID), ts(resp.AcceptedTime), strings.Join(via, ", then "))
			})
		},
	}
	needingApp(cmd)
	rf.register(cmd, defaultChannel, channelFlag, !channelFlag)
	cmd.Flags().BoolVar(&a.dryRun, "dry-run", false, "print the messages:send request as JSON instead of sending it (no credentials needed)")
	if flags != nil {
		flags(cmd)
	}
	return cmd
}

func sendCommands(a *app) []*cobra.Command {
	send := &cobra.Command{
		Use:   "send",
		Short: "Send a message (SMS, RCS, or any kind on any channel)",
		Long: `Send one message with messages:send. The app comes from --app-id or SINCH_APP_ID. The
recipient is --to on the command's channel; --fallback CHANNEL[:IDENTITY],... adds channels to
try next, in order (sent as channel_priority_order).`,
		Example: `  sinch send sms --to +15551234567 --message "Hello"
  sinch send rcs card --to +15551234567 --title Hi --description "A card" --image-url https://example.com/a.png --fallback-sms
  sinch send text --channel WHATSAPP --to +15551234567 --message Hi --fallback SMS`,
		Args: cobra.NoArgs,
	}
	var text string
	textFlag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&text, "message", "", "message text")
		_ = cmd.MarkFlagRequired("message")
	}
	textMsg := func(*cobra.Command) (conversation.AppMessage, error) { return message.Text(text), nil }
	send.AddCommand(
		a.sendCommand("sms", "Send a text message over SMS (or WhatsApp or RCS with --channel)",
			`  sinch send sms --to +15551234567 --message "Your code is 1234" --sender +15557654321
  sinch send sms --to +15551234567 --message Hi --channel WHATSAPP --fallback SMS`,
			"SMS", true, textFlag, textMsg),
		a.sendCommand("text", "Send a text message on any channel",
			`  sinch send text --channel MESSENGER --to 123456789 --message Hi`,
			"SMS", true, textFlag, textMsg),
		a.rcsCommand(),
		a.listCommand(),
		a.contactInfoCommand(),
		a.sendCommand("message", "Send any app message given as JSON (the API's AppMessage)",
			`  sinch send message --channel WHATSAPP --to +15551234567 --message '{"text_message":{"text":"Hi"}}' --fallback SMS`,
			"SMS", true, textFlag, func(*cobra.Command) (conversation.AppMessage, error) {
				var m conversation.AppMessage
				if err := decodeJSONFlag("message", text, &m); err != nil {
					return m, err
				}
				return m, nil
			}),
	)
	return []*cobra.Command{send}
}

// rcsCommand is `send rcs ...`: every RCS message kind, each with --fallback-sms and --sender.
func (a *app) rcsCommand() *cobra.Command {
	rcs := &cobra.Command{
		Use:   "rcs",
		Short: "Send an RCS message (text, card, carousel, choice, media, location, template)",
		Example: `  sinch send rcs text --to +15551234567 --message Hi --fallback-sms --sender +15557654321
  sinch send rcs choice --to +15551234567 --message "Pick one" --choices "Yes,No"`,
		Args: cobra.NoArgs,
	}
	mk := func(use, short, example string, flags func(*cobra.Command), build func(*cobra.Command) (conversation.AppMessage, error)) *cobra.Command {
		return a.sendCommand(use, short, example, "RCS", false, flags, build)
	}
	var (
		text, title, description, imageURL, choices, cards, outerChoices string
		mediaURL, thumbURL, label, templateID, params, language, version string
		lat, lon                                                         float64
	)
	textFlag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&text, "message", "", "message text")
		_ = cmd.MarkFlagRequired("message")
	}
	rcs.AddCommand(
		mk("text", "Send an RCS text message", `  sinch send rcs text --to +15551234567 --message "Hello from RCS"`, textFlag,
			func(*cobra.Command) (conversation.AppMessage, error) { return message.Text(text), nil }),
		mk("card", "Send an RCS rich card", `  sinch send rcs card --to +15551234567 --title "New arrivals" --description "Our spring range" --image-url https://example.com/spring.jpg --choices "Show me,Later"`,
			func(cmd *cobra.Command) {
				fs := cmd.Flags()
				fs.StringVar(&title, "title", "", "card title")
				fs.StringVar(&description, "description", "", "card text")
				fs.StringVar(&imageURL, "image-url", "", "URL of the card's image")
				fs.StringVar(&choices, "choices", "", choicesUsage)
				_ = cmd.MarkFlagRequired("title")
			},
			func(*cobra.Command) (conversation.AppMessage, error) {
				cs, err := parseChoices("choices", choices)
				if err != nil {
					return conversation.AppMessage{}, err
				}
				return message.Card(title, description, imageURL, cs...), nil
			}),
		mk("carousel", "Send an RCS carousel of 2 to 10 cards", `  sinch send rcs carousel --to +15551234567 --cards '[{"title":"Shoes","description":"New in","image":"https://example.com/s.jpg","choices":["Buy","Learn More"]},{"title":"Hats","image":"https://example.com/h.jpg"}]' --outer-choices "More,Stop"`,
			func(cmd *cobra.Command) {
				cmd.Flags().StringVar(&cards, "cards", "", cardsUsage)
				cmd.Flags().StringVar(&outerChoices, "outer-choices", "", "choices of the carousel itself, in the form of --choices")
				_ = cmd.MarkFlagRequired("cards")
			},
			func(*cobra.Command) (conversation.AppMessage, error) {
				list, err := parseCards(cards)
				if err != nil {
					return conversation.AppMessage{}, err
				}
				outer, err := parseChoices("outer-choices", outerChoices)
				if err != nil {
					return conversation.AppMessage{}, err
				}
				return message.Carousel(list, outer...), nil
			}),
		mk("choice", "Send a question with reply, call and URL buttons", `  sinch send rcs choice --to +15551234567 --message "Still coming?" --choices "Yes,No"
  sinch send rcs choice --to +15551234567 --message "How can we help?" --choices "Yes,No,Call Us|tel:+15551234567,Visit|https://example.com"`,
			func(cmd *cobra.Command) {
				textFlag(cmd)
				cmd.Flags().StringVar(&choices, "choices", "", choicesUsage)
				_ = cmd.MarkFlagRequired("choices")
			},
			func(*cobra.Command) (conversation.AppMessage, error) {
				cs, err := parseChoices("choices", choices)
				if err != nil {
					return conversation.AppMessage{}, err
				}
				if len(cs) == 0 {
					return conversation.AppMessage{}, usagef("--choices needs at least one choice")
				}
				return message.Choices(text, cs...), nil
			}),
		mk("media", "Send an image, video, audio or document", `  sinch send rcs media --to +15551234567 --url https://example.com/cat.jpg`,
			func(cmd *cobra.Command) {
				cmd.Flags().StringVar(&mediaURL, "url", "", "URL of the media file")
				cmd.Flags().StringVar(&thumbURL, "thumbnail-url", "", "URL of a thumbnail")
				_ = cmd.MarkFlagRequired("url")
			},
			func(*cobra.Command) (conversation.AppMessage, error) {
				var opts []message.MediaOption
				if thumbURL != "" {
					opts = append(opts, message.Thumbnail(thumbURL))
				}
				return message.Media(mediaURL, opts...), nil
			}),
		mk("location", "Send a location", `  sinch send rcs location --to +15551234567 --lat 59.3293 --lon 18.0686 --title Stockholm --label "Main office"`,
			func(cmd *cobra.Command) {
				fs := cmd.Flags()
				fs.Float64Var(&lat, "lat", 0, "latitude in degrees")
				fs.Float64Var(&lon, "lon", 0, "longitude in degrees")
				fs.StringVar(&title, "title", "", "name of the place (default: the coordinates)")
				fs.StringVar(&label, "label", "", "label shown with the place")
				_ = cmd.MarkFlagRequired("lat")
				_ = cmd.MarkFlagRequired("lon")
			},
			func(*cobra.Command) (conversation.AppMessage, error) {
				if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
					return conversation.AppMessage{}, usagef("--lat must be within ±90 and --lon within ±180")
				}
				t := title
				if t == "" {
					t = strconv.FormatFloat(lat, 'f', -1, 64) + ", " + strconv.FormatFloat(lon, 'f', -1, 64)
				}
				return message.Location(t, lat, lon, label), nil
			}),
		mk("template", "Send a stored template (an omni template with its version and parameters)",
			`  sinch send rcs template --to +15551234567 --template-id 01W4FFL35P4NC4K35TEMPLATE1 --params '{"name":"Ada"}' --language en-US`,
			func(cmd *cobra.Command) {
				fs := cmd.Flags()
				fs.StringVar(&templateID, "template-id", "", "id of a Template Management (v2) template")
				fs.StringVar(&params, "params", "", `template parameters as a JSON object of strings, e.g. '{"name":"Ada"}'`)
				fs.StringVar(&language, "language", "", "translation to use (BCP-47, e.g. en-US; default: the template's default)")
				fs.StringVar(&version, "version", "", "template version (default: the template's current version, looked up; left out with --dry-run)")
				_ = cmd.MarkFlagRequired("template-id")
			},
			func(cmd *cobra.Command) (conversation.AppMessage, error) {
				var values map[string]string
				if params != "" {
					if err := decodeJSONFlag("params", params, &values); err != nil {
						return conversation.AppMessage{}, err
					}
				}
				if version == "" && !a.dryRun {
					v, err := a.templateVersion(cmd, templateID)
					if err != nil {
						return conversation.AppMessage{}, err
					}
					version = v
				}
				return message.Template(message.TemplateRef(templateID, version, language, values)), nil
			}),
	)
	return rcs
}

// listCommand is `send list`: a list message (WhatsApp, Messenger) of sections of choices.
func (a *app) listCommand() *cobra.Command {
	var title, description, sections string
	return a.sendCommand("list", "Send a list message (sections of choices)",
		`  sinch send list --channel WHATSAPP --to +15551234567 --title Menu --sections '[{"title":"Drinks","items":["Tea","Coffee"]}]'`,
		"WHATSAPP", true,
		func(cmd *cobra.Command) {
			fs := cmd.Flags()
			fs.StringVar(&title, "title", "", "list title")
			fs.StringVar(&description, "description", "", "list description")
			fs.StringVar(&sections, "sections", "", `JSON array of sections: {"title":"...","items":["A","B"]}`)
			_ = cmd.MarkFlagRequired("title")
			_ = cmd.MarkFlagRequired("sections")
		},
		func(*cobra.Command) (conversation.AppMessage, error) {
			var in []struct {
				Title string   `json:"title"`
				Items []string `json:"items"`
			}
			if err := decodeJSONFlag("sections", sections, &in); err != nil {
				return conversation.AppMessage{}, err
			}
			if len(in) == 0 {
				return conversation.AppMessage{}, usagef("--sections needs at least one section")
			}
			var sections []conversation.ListSection
			for i, s := range in {
				if len(s.Items) == 0 {
					return conversation.AppMessage{}, usagef("--sections: section %d has no items", i+1)
				}
				var items []conversation.ListItem
				for _, it := range s.Items {
					items = append(items, message.Item(it, "", it))
				}
				sections = append(sections, message.Section(s.Title, items...))
			}
			return message.List(title, description, sections...), nil
		})
}

// contactInfoCommand is `send contact-info`: a contact card.
func (a *app) contactInfoCommand() *cobra.Command {
	var name string
	var phones, emails []string
	return a.sendCommand("contact-info", "Send a contact card",
		`  sinch send contact-info --channel WHATSAPP --to +15551234567 --name "Ada Lovelace" --phone +15557654321 --email ada@example.com`,
		"WHATSAPP", true,
		func(cmd *cobra.Command) {
			fs := cmd.Flags()
			fs.StringVar(&name, "name", "", "the contact's full name")
			fs.StringSliceVar(&phones, "phone", nil, "the contact's phone numbers")
			fs.StringSliceVar(&emails, "email", nil, "the contact's email addresses")
			_ = cmd.MarkFlagRequired("name")
			_ = cmd.MarkFlagRequired("phone")
		},
		func(*cobra.Command) (conversation.AppMessage, error) {
			m := message.ContactInfo(name, phones...)
			for _, e := range emails {
				m.ContactInfoMessage.EmailAddresses = append(m.ContactInfoMessage.EmailAddresses, conversation.EmailInfo{EmailAddress: e})
			}
			return m, nil
		})
}
