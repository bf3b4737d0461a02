package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func init() { register(resourceCommands) }

func resourceCommands(a *app) []*cobra.Command {
	return []*cobra.Command{a.messagesCommand(), a.appsCommand(), a.contactsCommand(), a.conversationsCommand(), a.transcodeCommand()}
}

// pageFlags are --page-size and --page-token of a list command.
type pageFlags struct {
	size  int32
	token string
}

func (p *pageFlags) register(cmd *cobra.Command) {
	cmd.Flags().Int32Var(&p.size, "page-size", 0, "items per page (the API's default when 0)")
	cmd.Flags().StringVar(&p.token, "page-token", "", "page to fetch: the next page token a previous list printed")
}

func (p *pageFlags) sizePtr() (*int32, error) {
	if p.size < 0 {
		return nil, usagef("--page-size must not be negative")
	}
	if p.size == 0 {
		return nil, nil
	}
	return &p.size, nil
}

// nextPage prints the next page token, if any, after a human listing.
func (a *app) nextPage(token string) {
	if token != "" {
		a.printf("next page: --page-token %s\n", token)
	}
}

func optChannel(s string) (*conversation.ConversationChannel, error) {
	if s == "" {
		return nil, nil
	}
	c, err := parseChannel(s)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// sourceHelp says why --source matters.
const sourceHelp = "message store: conversation or dispatch (default: the store of the app's processing mode when an app id is given, else conversation; see messages list --help)"

// parseSource reads --source: nil when empty.
func parseSource(flag string) (*conversation.MessageSource, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "":
		return nil, nil
	case "conversation", "conversation_source":
		return ptr(conversation.MessageSourceConversation), nil
	case "dispatch", "dispatch_source":
		return ptr(conversation.MessageSourceDispatch), nil
	}
	return nil, usagef("unknown --source %q: use conversation or dispatch; for example --source dispatch", flag)
}

// messageSource resolves --source: the flag's value, else the store of the app's processing
// mode when an app id is known (one GET of the app), else nil (the API's default, the
// conversation store).
func (a *app) messageSource(ctx context.Context, c *sinch.Client, flag, appID string) (*conversation.MessageSource, error) {
	src, err := parseSource(flag)
	if err != nil || src != nil || appID == "" {
		return src, err
	}
	ap, err := c.Conversation.Apps.Get(ctx, appID)
	if err != nil {
		return nil, fmt.Errorf("reading app %s to choose the message store (or pass --source): %w", appID, err)
	}
	// DISPATCH is the API's default processing mode.
	s := conversation.MessageSourceDispatch
	if ap.ProcessingMode == "CONVERSATION" {
		s = conversation.MessageSourceConversation
	}
	a.verbosef("app %s is in %s mode: reading the %s store", appID, str(ap.ProcessingMode), s)
	return &s, nil
}

func (a *app) messagesCommand() *cobra.Command {
	msgs := &cobra.Command{Use: "messages", Short: "List, get and delete sent and received messages", Args: cobra.NoArgs,
		Example: "  sinch messages list --app-id 01W4FFL35P4NC4K35CONVAPP001 --page-size 20"}
	var pf pageFlags
	var contactID, conversationID, channel, source string
	var all bool
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List messages, newest first",
		Long: `List messages with their direction, channel, identity and content, newest first.

Why --source matters: the API keeps messages in two stores. An app in DISPATCH mode (the
processing mode of a new app unless told otherwise) writes to the dispatch store, which a plain
listing does not read, so a new app's messages seem to be missing. With an app id (--app-id or
SINCH_APP_ID) the CLI reads the app's processing mode and picks its store; --source conversation
or --source dispatch chooses it explicitly.`,
		Example: `  sinch messages list --app-id 01W4FFL35P4NC4K35CONVAPP001 --channel SMS --page-size 20
  sinch messages list --source dispatch --contact-id 01W4FFL35P4NC4K35CONTACT01
  sinch messages list --conversation-id 01W4FFL35P4NC4K35CONVERSA1 --json
  sinch messages list --all --limit 500`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			size, err := pf.sizePtr()
			if err != nil {
				return err
			}
			ch, err := optChannel(channel)
			if err != nil {
				return err
			}
			if _, err := parseSource(source); err != nil {
				return err
			}
			c, s, err := a.client(cmd)
			if err != nil {
				return err
			}
			src, err := a.messageSource(cmd.Context(), c, source, s.appID)
			if err != nil {
				return err
			}
			params := conversation.ListMessagesParams{AppID: optional(s.appID), ContactID: optional(contactID),
				ConversationID: optional(conversationID), Channel: ch, PageSize: size, PageToken: optional(pf.token), MessagesSource: src}
			var resp *conversation.ListMessagesResponse
			if all {
				// Every page, fetched lazily by the SDK's iterator.
				resp = &conversation.ListMessagesResponse{Messages: []conversation.ConversationMessage{}}
				for m, err := range c.Conversation.Messages.List(cmd.Context(), params) {
					if err != nil {
						return err
					}
					resp.Messages = append(resp.Messages, m)
					if limit > 0 && len(resp.Messages) >= limit {
						break
					}
				}
			} else if resp, err = c.Conversation.Messages.ListPage(cmd.Context(), params); err != nil {
				return err
			}
			return a.emit(resp, func() {
				rows := [][]string{{"ID", "DIRECTION", "CHANNEL", "IDENTITY", "ACCEPTED", "CONTENT"}}
				for _, m := range resp.Messages {
					ch, id := str(m.ChannelIdentity.Channel), str(m.ChannelIdentity.Identity)
					rows = append(rows, []string{str(m.ID), str(m.Direction), ch, id, ts(m.AcceptTime), summarize(m)})
				}
				if len(resp.Messages) == 0 {
					a.printf("no messages\n")
				} else {
					a.table(rows)
				}
				a.nextPage(resp.NextPageToken)
			})
		},
	}
	pf.register(list)
	list.Flags().StringVar(&contactID, "contact-id", "", "only this contact's messages")
	list.Flags().StringVar(&conversationID, "conversation-id", "", "only this conversation's messages")
	list.Flags().StringVar(&channel, "channel", "", "only messages on this channel")
	list.Flags().BoolVar(&all, "all", false, "fetch every page (--page-size sets the page size)")
	list.Flags().IntVar(&limit, "limit", 0, "with --all: stop after this many messages")
	list.Flags().StringVar(&source, "source", "", sourceHelp)

	var messageID string
	get := &cobra.Command{
		Use: "get", Short: "Get one message", Args: cobra.NoArgs,
		Example: "  sinch messages get --message-id 01W4FFL35P4NC4K35MESSAGE01",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.ConversationMessage, error) {
			src, err := a.messageSource(ctx, c, source, s.appID)
			if err != nil {
				return nil, err
			}
			return c.Conversation.Messages.Get(ctx, messageID, conversation.GetMessageParams{MessagesSource: src})
		}, func(m *conversation.ConversationMessage) {
			a.printf("message %s\n  direction %s\n  accepted  %s\n  content   %s\n", str(m.ID), str(m.Direction), ts(m.AcceptTime), summarize(*m))
		}),
	}
	get.Flags().StringVar(&messageID, "message-id", "", "the message's id")
	get.Flags().StringVar(&source, "source", "", sourceHelp)
	_ = get.MarkFlagRequired("message-id")
	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete one message", Args: cobra.NoArgs,
		Example: "  sinch messages delete --message-id 01W4FFL35P4NC4K35MESSAGE01 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := parseSource(source); err != nil {
				return err
			}
			if err := a.confirm(yes, "delete message "+messageID+"?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.Empty, error) {
				src, err := a.messageSource(ctx, c, source, s.appID)
				if err != nil {
					return nil, err
				}
				return emptyAnswer(c.Conversation.Messages.Delete(ctx, messageID, conversation.DeleteMessageParams{MessagesSource: src}))
			}, func(*conversation.Empty) { a.printf("deleted message %s\n", messageID) })(cmd, nil)
		},
	}
	confirmFlag(del, &yes)
	del.Flags().StringVar(&messageID, "message-id", "", "the message's id")
	_ = del.MarkFlagRequired("message-id")
	del.Flags().StringVar(&source, "source", "", sourceHelp)
	msgs.AddCommand(list, get, del)
	return msgs
}

// summarize describes a message's content in a few words.
func summarize(m conversation.ConversationMessage) string {
	switch {
	case set(m.AppMessage):
		return summarizeApp(m.AppMessage)
	case set(m.ContactMessage):
		cm := m.ContactMessage
		switch {
		case set(cm.TextMessage):
			return "text: " + clip(cm.TextMessage.Text)
		case set(cm.MediaMessage):
			return "media: " + cm.MediaMessage.URL
		case set(cm.ChoiceResponseMessage):
			return "choice: " + cm.ChoiceResponseMessage.PostbackData
		}
		return "contact message"
	}
	return "-"
}

func summarizeApp(am conversation.AppMessage) string {
	switch {
	case set(am.TextMessage):
		return "text: " + clip(am.TextMessage.Text)
	case set(am.CardMessage):
		return "card: " + clip(str(am.CardMessage.Title))
	case set(am.CarouselMessage):
		return fmt.Sprintf("carousel of %d cards", len(am.CarouselMessage.Cards))
	case set(am.ChoiceMessage):
		return fmt.Sprintf("choice of %d", len(am.ChoiceMessage.Choices))
	case set(am.MediaMessage):
		return "media: " + am.MediaMessage.URL
	case set(am.LocationMessage):
		return "location: " + clip(am.LocationMessage.Title)
	case set(am.TemplateMessage):
		if set(am.TemplateMessage.OmniTemplate) {
			return "template " + am.TemplateMessage.OmniTemplate.TemplateID
		}
		return "channel template"
	case set(am.ListMessage):
		return "list: " + clip(am.ListMessage.Title)
	case set(am.ContactInfoMessage):
		return "contact: " + clip(am.ContactInfoMessage.Name.FullName)
	}
	return "app message"
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

func (a *app) appsCommand() *cobra.Command {
	apps := &cobra.Command{Use: "apps", Short: "List, show, create and delete Conversation API apps", Args: cobra.NoArgs,
		Example: "  sinch apps list\n  sinch apps get --app-id 01W4FFL35P4NC4K35CONVAPP001"}
	list := &cobra.Command{
		Use: "list", Short: "List the project's apps", Args: cobra.NoArgs,
		Example: "  sinch apps list --json",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.ListAppsResponse, error) {
			return c.Conversation.Apps.List(ctx)
		}, func(resp *conversation.ListAppsResponse) {
			if len(resp.Apps) == 0 {
				a.printf("no apps\n")
				return
			}
			rows := [][]string{{"ID", "NAME", "MODE", "CHANNELS"}}
			for _, ap := range resp.Apps {
				rows = append(rows, []string{str(ap.ID), str(ap.DisplayName), str(ap.ProcessingMode), appChannels(ap)})
			}
			a.table(rows)
		}),
	}
	get := &cobra.Command{
		Use: "get", Short: "Show one app (the one of --app-id or SINCH_APP_ID)", Args: cobra.NoArgs,
		Example: "  sinch apps get --app-id 01W4FFL35P4NC4K35CONVAPP001",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.App, error) {
			appID, err := requireAppID(s)
			if err != nil {
				return nil, err
			}
			return c.Conversation.Apps.Get(ctx, appID)
		}, func(ap *conversation.App) {
			a.printf("app %s\n  name      %s\n  mode      %s\n  channels  %s\n", str(ap.ID), str(ap.DisplayName), str(ap.ProcessingMode), appChannels(*ap))
		}),
	}
	var name, mode, file string
	var bearers []string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an app (channels with static bearer credentials, or the full request from a JSON file)",
		Example: `  sinch apps create --name "Support" --mode CONVERSATION --static-bearer SMS:SERVICE_PLAN_ID:API_TOKEN
  sinch apps create --file app.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var req conversation.CreateAppRequest
			if file != "" {
				if err := a.readJSONFile("file", file, &req); err != nil {
					return err
				}
			} else {
				if name == "" {
					return usagef("give --name (or --file)")
				}
				req.DisplayName = name
				req.ChannelCredentials = []conversation.ChannelCredentials{}
				for _, spec := range bearers {
					parts := strings.SplitN(spec, ":", 3)
					if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
						return usagef("--static-bearer %q: want CHANNEL:CLAIMED_IDENTITY:TOKEN", spec)
					}
					ch, err := parseChannel(parts[0])
					if err != nil {
						return err
					}
					req.ChannelCredentials = append(req.ChannelCredentials, conversation.ChannelCredentials{Channel: ch,
						StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: parts[1], Token: parts[2]}})
				}
			}
			if mode != "" {
				m := conversation.ProcessingMode(strings.ToUpper(mode))
				if !m.Valid() {
					return usagef("unknown --mode %q: DISPATCH or CONVERSATION", mode)
				}
				req.ProcessingMode = m
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.App, error) {
				return c.Conversation.Apps.Create(ctx, req)
			}, func(ap *conversation.App) {
				a.printf("created app %s (%s, %s)\n", str(ap.ID), str(ap.ProcessingMode), appChannels(*ap))
			})(cmd, nil)
		},
	}
	create.Flags().StringVar(&name, "name", "", "the app's display name")
	create.Flags().StringVar(&mode, "mode", "", "processing mode: DISPATCH (default) or CONVERSATION")
	create.Flags().StringSliceVar(&bearers, "static-bearer", nil, "channels with static bearer credentials, as CHANNEL:CLAIMED_IDENTITY:TOKEN (comma-separated)")
	create.Flags().StringVar(&file, "file", "", "JSON file of the full request (the API's CreateAppRequest; - for stdin)")
	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete an app (the one of --app-id or SINCH_APP_ID)", Args: cobra.NoArgs,
		Example: "  sinch apps delete --app-id 01W4FFL35P4NC4K35CONVAPP001 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, appID, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			if err := a.confirm(yes, "delete app "+appID+"?"); err != nil {
				return err
			}
			if err := c.Conversation.Apps.Delete(cmd.Context(), appID); err != nil {
				return err
			}
			return a.emit(&conversation.Empty{}, func() { a.printf("deleted app %s\n", appID) })
		},
	}
	confirmFlag(del, &yes)
	apps.AddCommand(list, needingApp(get), create, needingApp(del))
	return apps
}

func appChannels(ap conversation.App) string {
	var chs []string
	for _, cc := range ap.ChannelCredentials {
		chs = append(chs, str(cc.Channel))
	}
	if len(chs) == 0 {
		return "-"
	}
	return strings.Join(chs, ",")
}

func (a *app) contactsCommand() *cobra.Command {
	contacts := &cobra.Command{Use: "contacts", Short: "List, create, get, update and delete contacts", Args: cobra.NoArgs,
		Example: "  sinch contacts list\n  sinch contacts create --name Ada --identity SMS:+15551234567"}
	var pf pageFlags
	var channel, identity, externalID string
	list := &cobra.Command{
		Use: "list", Short: "List contacts", Args: cobra.NoArgs,
		Example: "  sinch contacts list --channel SMS --identity +15551234567",
		RunE: func(cmd *cobra.Command, _ []string) error {
			size, err := pf.sizePtr()
			if err != nil {
				return err
			}
			ch, err := optChannel(channel)
			if err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.ListContactsResponse, error) {
				return c.Conversation.Contacts.ListPage(ctx, conversation.ListContactsParams{PageSize: size, PageToken: optional(pf.token),
					Channel: ch, Identity: optional(identity), ExternalID: optional(externalID)})
			}, func(resp *conversation.ListContactsResponse) {
				if len(resp.Contacts) == 0 {
					a.printf("no contacts\n")
				} else {
					rows := [][]string{{"ID", "NAME", "IDENTITIES"}}
					for _, ct := range resp.Contacts {
						rows = append(rows, []string{str(ct.ID), str(ct.DisplayName), identities(ct)})
					}
					a.table(rows)
				}
				a.nextPage(resp.NextPageToken)
			})(cmd, nil)
		},
	}
	pf.register(list)
	list.Flags().StringVar(&channel, "channel", "", "with --identity: the identity's channel")
	list.Flags().StringVar(&identity, "identity", "", "only the contact with this channel identity")
	list.Flags().StringVar(&externalID, "external-id", "", "only the contact with this external id")

	var name, email, language string
	var idents []string
	create := &cobra.Command{
		Use: "create", Short: "Create a contact", Args: cobra.NoArgs,
		Example: "  sinch contacts create --name \"Ada Lovelace\" --identity SMS:+15551234567,WHATSAPP:+15551234567 --language EN_US",
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := conversation.ContactCreateRequest{DisplayName: name, Email: email, ExternalID: externalID,
				Language: conversation.ContactLanguage(strings.ToUpper(language))}
			if !req.Language.Valid() {
				return usagef("unknown --language %q (for example EN_US, FR, PT_BR)", language)
			}
			for _, spec := range idents {
				ch, id, ok := strings.Cut(spec, ":")
				if !ok || strings.TrimSpace(id) == "" {
					return usagef("--identity %q: want CHANNEL:IDENTITY", spec)
				}
				c, err := parseChannel(ch)
				if err != nil {
					return err
				}
				req.ChannelIdentities = append(req.ChannelIdentities, conversation.ChannelIdentity{Channel: c, Identity: strings.TrimSpace(id)})
				req.ChannelPriority = append(req.ChannelPriority, c)
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Contact, error) {
				return c.Conversation.Contacts.Create(ctx, req)
			}, func(ct *conversation.Contact) { a.printf("created contact %s (%s)\n", str(ct.ID), identities(*ct)) })(cmd, nil)
		},
	}
	create.Flags().StringVar(&name, "name", "", "display name")
	create.Flags().StringVar(&email, "email", "", "email address")
	create.Flags().StringVar(&externalID, "external-id", "", "your own id for the contact")
	create.Flags().StringVar(&language, "language", "EN_US", "the contact's language (the API's ContactLanguage, e.g. EN_US)")
	create.Flags().StringSliceVar(&idents, "identity", nil, "channel identities as CHANNEL:IDENTITY, in order of priority")
	_ = create.MarkFlagRequired("identity")

	var contactID string
	get := &cobra.Command{
		Use: "get", Short: "Show a contact", Args: cobra.NoArgs,
		Example: "  sinch contacts get --contact-id 01W4FFL35P4NC4K35CONTACT01",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Contact, error) {
			return c.Conversation.Contacts.Get(ctx, contactID)
		}, func(ct *conversation.Contact) {
			a.printf("contact %s\n  name        %s\n  identities  %s\n", str(ct.ID), str(ct.DisplayName), identities(*ct))
		}),
	}
	get.Flags().StringVar(&contactID, "contact-id", "", "the contact's id")
	_ = get.MarkFlagRequired("contact-id")
	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete a contact", Args: cobra.NoArgs,
		Example: "  sinch contacts delete --contact-id 01W4FFL35P4NC4K35CONTACT01 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.confirm(yes, "delete contact "+contactID+"?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				return emptyAnswer(c.Conversation.Contacts.Delete(ctx, contactID))
			}, func(*conversation.Empty) { a.printf("deleted contact %s\n", contactID) })(cmd, nil)
		},
	}
	confirmFlag(del, &yes)
	del.Flags().StringVar(&contactID, "contact-id", "", "the contact's id")
	_ = del.MarkFlagRequired("contact-id")
	var uName, uEmail, uExternalID, uLanguage string
	update := &cobra.Command{
		Use: "update", Short: "Change a contact's name, email, external id or language", Args: cobra.NoArgs,
		Example: "  sinch contacts update --contact-id 01W4FFL35P4NC4K35CONTACT01 --name \"Ada King\" --email ada@example.com",
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			var req conversation.UpdateContactRequest
			var mask []string
			if fs.Changed("name") {
				req.DisplayName, mask = ptr(uName), append(mask, "display_name")
			}
			if fs.Changed("email") {
				req.Email, mask = ptr(uEmail), append(mask, "email")
			}
			if fs.Changed("external-id") {
				req.ExternalID, mask = ptr(uExternalID), append(mask, "external_id")
			}
			if fs.Changed("language") {
				l := conversation.ContactLanguage(strings.ToUpper(uLanguage))
				if !l.Valid() {
					return usagef("unknown --language %q (for example EN_US, FR, PT_BR)", uLanguage)
				}
				req.Language, mask = &l, append(mask, "language")
			}
			if len(mask) == 0 {
				return usagef("nothing to change: give --name, --email, --external-id or --language")
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Contact, error) {
				return c.Conversation.Contacts.Update(ctx, contactID, conversation.UpdateContactParams{UpdateMask: mask}, req)
			}, func(ct *conversation.Contact) {
				a.printf("updated %s\ncontact %s\n  name        %s\n  identities  %s\n", strings.Join(mask, ", "), str(ct.ID), str(ct.DisplayName), identities(*ct))
			})(cmd, nil)
		},
	}
	update.Flags().StringVar(&contactID, "contact-id", "", "the contact's id")
	update.Flags().StringVar(&uName, "name", "", "new display name")
	update.Flags().StringVar(&uEmail, "email", "", "new email address")
	update.Flags().StringVar(&uExternalID, "external-id", "", "new external id")
	update.Flags().StringVar(&uLanguage, "language", "", "new language (the API's ContactLanguage, e.g. EN_US)")
	_ = update.MarkFlagRequired("contact-id")
	contacts.AddCommand(list, create, get, update, del)
	return contacts
}

func identities(ct conversation.Contact) string {
	var out []string
	for _, ci := range ct.ChannelIdentities {
		out = append(out, string(ci.Channel)+":"+ci.Identity)
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

func (a *app) conversationsCommand() *cobra.Command {
	convs := &cobra.Command{Use: "conversations", Short: "List, get, stop and delete conversations", Args: cobra.NoArgs,
		Example: "  sinch conversations list --only-active\n  sinch conversations stop --conversation-id 01W4FFL35P4NC4K35CONVERSA1"}
	var pf pageFlags
	var contactID string
	var onlyActive bool
	list := &cobra.Command{
		Use: "list", Short: "List conversations (of --app-id or SINCH_APP_ID, or of --contact-id)", Args: cobra.NoArgs,
		Example: "  sinch conversations list --app-id 01W4FFL35P4NC4K35CONVAPP001 --only-active",
		RunE: func(cmd *cobra.Command, _ []string) error {
			size, err := pf.sizePtr()
			if err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.ListConversationsResponse, error) {
				if s.appID == "" && contactID == "" {
					return nil, usagef("give --app-id (or SINCH_APP_ID) or --contact-id")
				}
				params := conversation.ListConversationsParams{AppID: optional(s.appID), ContactID: optional(contactID), PageSize: size, PageToken: optional(pf.token)}
				if onlyActive {
					params.OnlyActive = &onlyActive
				}
				return c.Conversation.Conversations.ListPage(ctx, params)
			}, func(resp *conversation.ListConversationsResponse) {
				if len(resp.Conversations) == 0 {
					a.printf("no conversations\n")
				} else {
					rows := [][]string{{"ID", "CONTACT", "ACTIVE", "CHANNEL", "LAST RECEIVED"}}
					for _, cv := range resp.Conversations {
						active := "no"
						if cv.Active {
							active = "yes"
						}
						rows = append(rows, []string{str(cv.ID), str(cv.ContactID), active, str(cv.ActiveChannel), ts(cv.LastReceived)})
					}
					a.table(rows)
				}
				a.nextPage(resp.NextPageToken)
			})(cmd, nil)
		},
	}
	pf.register(list)
	list.Flags().StringVar(&contactID, "contact-id", "", "only this contact's conversations")
	list.Flags().BoolVar(&onlyActive, "only-active", false, "only active conversations")

	var convID string
	idFlag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&convID, "conversation-id", "", "the conversation's id")
		_ = cmd.MarkFlagRequired("conversation-id")
	}
	get := &cobra.Command{
		Use: "get", Short: "Show a conversation", Args: cobra.NoArgs,
		Example: "  sinch conversations get --conversation-id 01W4FFL35P4NC4K35CONVERSA1",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Conversation, error) {
			return c.Conversation.Conversations.Get(ctx, convID)
		}, func(cv *conversation.Conversation) {
			active := cv.Active
			a.printf("conversation %s\n  app      %s\n  contact  %s\n  active   %t\n  channel  %s\n", str(cv.ID), str(cv.AppID), str(cv.ContactID), active, str(cv.ActiveChannel))
		}),
	}
	idFlag(get)
	stop := &cobra.Command{
		Use: "stop", Short: "Stop (deactivate) a conversation", Args: cobra.NoArgs,
		Example: "  sinch conversations stop --conversation-id 01W4FFL35P4NC4K35CONVERSA1",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
			return emptyAnswer(c.Conversation.Conversations.Stop(ctx, convID))
		}, func(*conversation.Empty) { a.printf("stopped conversation %s\n", convID) }),
	}
	idFlag(stop)
	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete a conversation and its messages", Args: cobra.NoArgs,
		Example: "  sinch conversations delete --conversation-id 01W4FFL35P4NC4K35CONVERSA1 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.confirm(yes, "delete conversation "+convID+" and its messages?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				return emptyAnswer(c.Conversation.Conversations.Delete(ctx, convID))
			}, func(*conversation.Empty) { a.printf("deleted conversation %s\n", convID) })(cmd, nil)
		},
	}
	confirmFlag(del, &yes)
	idFlag(del)
	convs.AddCommand(list, get, stop, del)
	return convs
}

func (a *app) transcodeCommand() *cobra.Command {
	var channels []string
	var message, from, to string
	cmd := &cobra.Command{
		Use:     "transcode",
		Short:   "Show how a message would be rendered on each channel (messages:transcode)",
		Example: `  sinch transcode --channel WHATSAPP,RCS --message '{"text_message":{"text":"Hi"}}'`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var am conversation.AppMessage
			if err := decodeJSONFlag("message", message, &am); err != nil {
				return err
			}
			req := conversation.TranscodeMessageRequest{AppMessage: am, From: from, To: to}
			for _, ch := range channels {
				c, err := parseChannel(ch)
				if err != nil {
					return err
				}
				req.Channels = append(req.Channels, c)
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.TranscodeMessageResponse, error) {
				var err error
				if req.AppID, err = requireAppID(s); err != nil {
					return nil, err
				}
				return c.Conversation.Messages.Transcode(ctx, req)
			}, func(resp *conversation.TranscodeMessageResponse) {
				for _, ch := range req.Channels {
					if out, ok := resp.TranscodedMessage[string(ch)]; ok {
						a.printf("%s: %s\n", ch, out)
					}
				}
			})(cmd, nil)
		},
	}
	cmd.Flags().StringSliceVar(&channels, "channel", nil, "channels to transcode for, comma-separated")
	cmd.Flags().StringVar(&message, "message", "", "the app message as JSON (the API's AppMessage)")
	cmd.Flags().StringVar(&from, "from", "", "sender identity, for channels that need one")
	cmd.Flags().StringVar(&to, "to", "", "recipient identity, for channels that need one")
	_ = cmd.MarkFlagRequired("channel")
	_ = cmd.MarkFlagRequired("message")
	return needingApp(cmd)
}
