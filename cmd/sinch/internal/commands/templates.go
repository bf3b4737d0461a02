package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/csvbatch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func init() { register(templateCommands) }

// templateVersion looks up a template's current version, for sending it as an omni template.
func (a *app) templateVersion(cmd *cobra.Command, id string) (string, error) {
	c, _, err := a.client(cmd)
	if err != nil {
		return "", err
	}
	t, err := c.Templates.Get(cmd.Context(), id)
	if err != nil {
		return "", err
	}
	if t.Version == 0 {
		return "", errors.New("template " + id + " has no version: pass --version")
	}
	return strconv.Itoa(int(t.Version)), nil
}

// confirmFlag registers --confirm (-y) on a delete command; every delete asks the same way.
func confirmFlag(cmd *cobra.Command, yes *bool) {
	cmd.Flags().BoolVarP(yes, "confirm", "y", false, "delete without asking")
}

// confirm asks whether to go ahead (the question on stderr, so that --json output stays clean;
// the answer on stdin), unless yes is already true.
func (a *app) confirm(yes bool, question string) error {
	if yes {
		return nil
	}
	fmt.Fprintf(a.env.Stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.env.Stdin).ReadString('\n')
	fmt.Fprintln(a.env.Stderr)
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return usagef("not confirmed: answer y, or pass --confirm (-y)")
}

// readJSONFile decodes a JSON file ("-" for stdin) strictly into v.
func (a *app) readJSONFile(flag, path string, v any) error {
	var b []byte
	var err error
	if path == "-" {
		b, err = readAll(a.env.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return usagef("--%s: %v", flag, err)
	}
	if err := strictJSON(b, v); err != nil {
		return usagef("--%s %s is not valid: %v", flag, path, err)
	}
	return nil
}

// textTranslation builds a text translation whose variables are the text's ${placeholders}.
func textTranslation(language, text string) (templates.TemplateTranslation, error) {
	names, err := csvbatch.Placeholders(text)
	if err != nil {
		return templates.TemplateTranslation{}, usagef("--text: %v", err)
	}
	tr := templates.TemplateTranslation{LanguageCode: language, TextMessage: conversation.TextMessage{Text: text}}
	for _, n := range names {
		tr.Variables = append(tr.Variables, templates.TemplateVariable{Key: n, PreviewValue: n})
	}
	return tr, nil
}

func templateCommands(a *app) []*cobra.Command {
	tpl := &cobra.Command{Use: "templates", Short: "Manage omni-channel templates (Template Management API v2)", Args: cobra.NoArgs,
		Example: "  sinch templates list\n  sinch templates create --description Greeting --language en-US --text 'Hello ${name}'"}
	printTemplate := func(t *templates.Template) {
		var langs []string
		for _, tr := range t.Translations {
			langs = append(langs, tr.LanguageCode)
		}
		v := "-"
		if t.Version != 0 {
			v = strconv.Itoa(int(t.Version))
		}
		a.printf("template %s\n  description  %s\n  version      %s\n  default      %s\n  languages    %s\n", str(t.ID), str(t.Description), v, str(t.DefaultTranslation), strings.Join(langs, ","))
	}
	list := &cobra.Command{
		Use: "list", Short: "List templates", Args: cobra.NoArgs, Example: "  sinch templates list --json",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*templates.ListTemplatesResponse, error) {
			return c.Templates.List(ctx)
		}, func(resp *templates.ListTemplatesResponse) {
			if len(resp.Templates) == 0 {
				a.printf("no templates\n")
				return
			}
			rows := [][]string{{"ID", "VERSION", "DEFAULT", "DESCRIPTION"}}
			for _, t := range resp.Templates {
				v := "-"
				if t.Version != 0 {
					v = strconv.Itoa(int(t.Version))
				}
				rows = append(rows, []string{str(t.ID), v, str(t.DefaultTranslation), clip(str(t.Description))})
			}
			a.table(rows)
		}),
	}
	var id string
	idFlag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&id, "template-id", "", "the template's id")
		_ = cmd.MarkFlagRequired("template-id")
	}
	get := &cobra.Command{
		Use: "get", Short: "Show a template", Args: cobra.NoArgs, Example: "  sinch templates get --template-id 01W4FFL35P4NC4K35TEMPLATE1",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*templates.Template, error) {
			return c.Templates.Get(ctx, id)
		}, func(t *templates.Template) { printTemplate(t) }),
	}
	idFlag(get)

	var file, description, language, text string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a template from --text (one text translation) or from a JSON file",
		Example: `  sinch templates create --description "Order shipped" --language en-US --text 'Hi ${name}, order ${order} is on its way'
  sinch templates create --file template.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var req templates.CreateTemplateRequest
			switch {
			case file != "" && text != "":
				return usagef("give --file or --text, not both")
			case file != "":
				if err := a.readJSONFile("file", file, &req); err != nil {
					return err
				}
			case text != "":
				tr, err := textTranslation(language, text)
				if err != nil {
					return err
				}
				req = templates.CreateTemplateRequest{DefaultTranslation: language, Description: description, Translations: []templates.TemplateTranslation{tr}}
			default:
				return usagef("give --text or --file")
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*templates.Template, error) {
				return c.Templates.Create(ctx, req)
			}, func(t *templates.Template) { a.printf("created template %s\n", str(t.ID)) })(cmd, nil)
		},
	}
	create.Flags().StringVar(&file, "file", "", "JSON file of the request (the API's template; - for stdin)")
	create.Flags().StringVar(&description, "description", "", "what the template is for")
	create.Flags().StringVar(&language, "language", "en-US", "language of the --text translation (BCP-47)")
	create.Flags().StringVar(&text, "text", "", "text of the translation, with ${variables}")

	update := &cobra.Command{
		Use:   "update",
		Short: "Update a template: replace it from a JSON file, or change one translation's text or the description",
		Long: `Update replaces the whole template (PUT). With --file, the file is the new template; its
version defaults to the current one. With --text or --description, the current template is
read, changed and written back with its current version.`,
		Example: `  sinch templates update --template-id 01W4FFL35P4NC4K35TEMPLATE1 --language en-US --text 'Hello ${name}!'
  sinch templates update --template-id 01W4FFL35P4NC4K35TEMPLATE1 --file template.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			changeText, changeDesc := cmd.Flags().Changed("text"), cmd.Flags().Changed("description")
			if file == "" && !changeText && !changeDesc {
				return usagef("give --file, --text or --description")
			}
			if file != "" && (changeText || changeDesc) {
				return usagef("give --file, or --text/--description, not both")
			}
			var req templates.UpdateTemplateRequest
			if file != "" {
				if err := a.readJSONFile("file", file, &req); err != nil {
					return err
				}
			}
			c, _, err := a.client(cmd)
			if err != nil {
				return err
			}
			cur, err := c.Templates.Get(cmd.Context(), id)
			if err != nil {
				return err
			}
			if file == "" {
				req = templates.UpdateTemplateRequest{DefaultTranslation: str(cur.DefaultTranslation), Description: cur.Description, Translations: cur.Translations}
				if changeDesc {
					req.Description = description
				}
				if changeText {
					lang := language
					if !cmd.Flags().Changed("language") && cur.DefaultTranslation != "" {
						lang = cur.DefaultTranslation
					}
					tr, err := textTranslation(lang, text)
					if err != nil {
						return err
					}
					replaced := false
					for i := range req.Translations {
						if req.Translations[i].LanguageCode == lang {
							tr.ChannelTemplateOverrides = req.Translations[i].ChannelTemplateOverrides
							req.Translations[i] = tr
							replaced = true
						}
					}
					if !replaced {
						req.Translations = append(req.Translations, tr)
					}
				}
			}
			if req.Version == 0 {
				req.Version = cur.Version
			}
			t, err := c.Templates.Update(cmd.Context(), id, req)
			if err != nil {
				return err
			}
			return a.emit(t, func() { printTemplate(t) })
		},
	}
	idFlag(update)
	update.Flags().StringVar(&file, "file", "", "JSON file of the new template (- for stdin)")
	update.Flags().StringVar(&description, "description", "", "new description")
	update.Flags().StringVar(&language, "language", "en-US", "language of the translation --text replaces (default: the template's default translation)")
	update.Flags().StringVar(&text, "text", "", "new text of the translation, with ${variables}")

	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete a template", Args: cobra.NoArgs,
		Example: "  sinch templates delete --template-id 01W4FFL35P4NC4K35TEMPLATE1 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.confirm(yes, "delete template "+id+"?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				return emptyAnswer(c.Templates.Delete(ctx, id))
			}, func(*conversation.Empty) { a.printf("deleted template %s\n", id) })(cmd, nil)
		},
	}
	idFlag(del)
	confirmFlag(del, &yes)
	tpl.AddCommand(list, get, create, update, del)
	return []*cobra.Command{tpl}
}
