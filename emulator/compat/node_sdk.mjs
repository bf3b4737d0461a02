// Drives the official Sinch Node SDK (@sinch/conversation) against a running emulator, to
// check that an official SDK works against it unchanged. Usage (see compat.sh):
//   EMU_URL=http://127.0.0.1:PORT node node_sdk.mjs
import { ConversationService } from '@sinch/conversation';

const base = process.env.EMU_URL;
if (!base) throw new Error('EMU_URL is not set');
const conv = new ConversationService({
  projectId: 'node-project',
  keyId: 'node-key',
  keySecret: 'node-secret',
  authHostname: base,
  conversationHostname: base,
  conversationTemplatesHostname: base,
});

const step = async (name, fn) => {
  try {
    const out = await fn();
    console.log(`ok   ${name}`);
    return out;
  } catch (e) {
    console.log(`FAIL ${name}: ${e?.message ?? e}`);
    process.exitCode = 1;
    return undefined;
  }
};

const app = await step('app.create', () => conv.app.create({ appCreateRequestBody: {
  display_name: 'node', processing_mode: 'CONVERSATION',
  channel_credentials: [{ channel: 'SMS', static_bearer: { claimed_identity: 'plan', token: 'tok' } }],
} }));
const appId = app?.id;
await step('app.update with update_mask', async () => {
  const a = await conv.app.update({ app_id: appId, update_mask: ['display_name', 'conversation_metadata_report_view'],
    appUpdateRequestBody: { display_name: 'node renamed', conversation_metadata_report_view: 'FULL', processing_mode: 'DISPATCH' } });
  if (a.display_name !== 'node renamed' || a.processing_mode !== 'CONVERSATION') throw new Error(JSON.stringify(a));
});
await step('app.list', () => conv.app.list({}));
const hook = await step('webhooks.create', () => conv.webhooks.create({ webhookCreateRequestBody: {
  app_id: appId, target: 'http://127.0.0.1:9/hook', target_type: 'HTTP', triggers: ['MESSAGE_DELIVERY'] } }));
await step('webhooks.update with update_mask', () => conv.webhooks.update({ webhook_id: hook?.id, update_mask: ['triggers'],
  webhookUpdateRequestBody: { app_id: appId, target: 'http://127.0.0.1:9/hook', triggers: ['MESSAGE_DELIVERY', 'MESSAGE_INBOUND'] } }));
await step('webhooks.list', () => conv.webhooks.list({ app_id: appId }));
const sent = await step('messages.sendTextMessage', () => conv.messages.sendTextMessage({ sendMessageRequestBody: {
  app_id: appId,
  recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: '+15551110001' }] } },
  message: { text_message: { text: 'hello from node' } },
} }));
const msgId = sent?.message_id;
await step('id is not date-like after SDK parsing', () => {
  if (typeof msgId !== 'string' || !/^[0-9A-Z]{26}$/.test(msgId)) throw new Error(String(msgId));
});
await step('messages.get (messages_source)', () => conv.messages.get({ message_id: msgId }));
await step('messages.update (messages_source)', () => conv.messages.update({ message_id: msgId, updateMessageRequestBody: { metadata: 'm' } }));
await step('messages.list', async () => { const p = await conv.messages.list({ page_size: 10 }); if (!p.data?.length) throw new Error('empty'); });
const contacts = await step('contact.list', () => conv.contact.list({}));
const contactId = contacts?.data?.[0]?.id;
await step('contact.update with update_mask', () => conv.contact.update({ contact_id: contactId, update_mask: ['display_name'],
  updateContactRequestBody: { display_name: 'Node User' } }));
const convs = await step('conversation.list', () => conv.conversation.list({ app_id: appId }));
const convId = convs?.data?.[0]?.id;
await step('conversation.stopActive', () => conv.conversation.stopActive({ conversation_id: convId }));
await step('conversation.listRecent', () => conv.conversation.listRecent({ app_id: appId }));
await step('events.send', () => conv.events.send({ sendEventRequestBody: { app_id: appId,
  recipient: { contact_id: contactId }, event: { composing_event: {} } } }));
await step('capability.lookup', () => conv.capability.lookup({ lookupCapabilityRequestBody: { app_id: appId,
  recipient: { contact_id: contactId } } }));
await step('transcoding.transcodeMessage', () => conv.transcoding.transcodeMessage({ transcodeMessageRequestBody: {
  app_id: appId, app_message: { text_message: { text: 'hi' } }, channels: ['SMS'] } }));
const tpl = await step('templatesV2.create', () => conv.templatesV2.create({ createTemplateRequestBody: {
  description: 'node', default_translation: 'en-US',
  translations: [{ language_code: 'en-US', version: '1', text_message: { text: 'Hi ${name}' } }] } }));
await step('templatesV2.update', () => conv.templatesV2.update({ template_id: tpl?.id, updateTemplateRequestBody: {
  version: tpl?.version, default_translation: 'en-US',
  translations: [{ language_code: 'en-US', version: '2', text_message: { text: 'Hello ${name}' } }] } }));
await step('templatesV2.listTranslations', () => conv.templatesV2.listTranslations({ template_id: tpl?.id, language_code: 'en-US' }));
await step('templatesV2.list', () => conv.templatesV2.list({}));
await step('templatesV2.delete', () => conv.templatesV2.delete({ template_id: tpl?.id }));
await step('messages.delete (messages_source)', () => conv.messages.delete({ message_id: msgId }));
await step('messages.get after delete is 404', async () => {
  try { await conv.messages.get({ message_id: msgId }); } catch (e) { return; }
  throw new Error('found a deleted message');
});
await step('app.delete', () => conv.app.delete({ app_id: appId }));
