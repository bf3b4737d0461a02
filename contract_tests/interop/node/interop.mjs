// Drives the official Sinch Node.js SDK (@sinch/sdk-core), unchanged, through every operation of
// the Conversation API v1 (45) and the Template Management API v2 (6) against a server given by
// environment variables, normally the sinch-go emulator started by ../../interop_test.go.
//
// Output: one JSON line per operation on stdout,
//   {"op": "<operationId>", "ok": true|false, "status": <HTTP status or null>, "error": "..."}
// in the order the operations run. The exit code is 0 when the run itself completed (whatever
// the operations gave); non-zero only when the script could not run at all.
//
// Environment:
//   SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET   credentials handed to the SDK
//   SINCH_CONVERSATION_HOSTNAME   base URL for the SDK's conversationHostname (no trailing slash)
//   SINCH_TEMPLATES_HOSTNAME      base URL for conversationTemplatesHostname
//   SINCH_AUTH_HOSTNAME           base URL for authHostname (the SDK appends /oauth2/token)
//   INTEROP_WEBHOOK_URL           target of the webhook the script registers
//   INTEROP_SCENARIO              optional: "token-expiry" or "callbacks" runs that scenario
//                                 (below) instead of the operations
//   INTEROP_WAIT_MS               optional: how long those scenarios wait
//   INTEROP_MARK_URL              optional: GET <url>?op=<operationId> is called before each
//                                 operation so that the caller can attribute the HTTP exchanges
//                                 it records to operations (it is not an SDK call)

import { SinchClient } from '@sinch/sdk-core';

function need(name) {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`interop: environment variable ${name} is required\n`);
    process.exit(2);
  }
  return v;
}

const projectId = need('SINCH_PROJECT_ID');
const webhookURL = need('INTEROP_WEBHOOK_URL');
const markURL = process.env.INTEROP_MARK_URL || '';

// The status of the last answer the SDK received, seen by a response plugin (a documented
// SinchClient option): the SDK does not return statuses of successful calls.
let lastStatus = null;
const statusProbe = {
  load(context) {
    lastStatus = context.response ? context.response.status : null;
    return { transform: (res) => res };
  },
};

// The SDK's log lines go to stderr, so that stdout carries the result lines only.
function toStderr(level) {
  return (message) => {
    const text = typeof message === 'function' ? message() : message;
    process.stderr.write(`[sdk ${level}] ${text}\n`);
  };
}
const stderrLogger = {
  debug: toStderr('debug'),
  info: toStderr('info'),
  warn: toStderr('warn'),
  error: toStderr('error'),
};

const sinch = new SinchClient({
  projectId,
  keyId: need('SINCH_KEY_ID'),
  keySecret: need('SINCH_KEY_SECRET'),
  authHostname: need('SINCH_AUTH_HOSTNAME'),
  conversationHostname: need('SINCH_CONVERSATION_HOSTNAME'),
  conversationTemplatesHostname: need('SINCH_TEMPLATES_HOSTNAME'),
  conversationRegion: 'us',
  responsePlugins: [statusProbe],
  logger: stderrLogger,
});
const conv = sinch.conversation;

// ---------------------------------------------------------------------------------------------
// Bookkeeping

const results = [];

function emit(line) {
  results.push(line);
  process.stdout.write(JSON.stringify(line) + '\n');
}

// describe turns whatever the SDK threw into one line: message, status and the decoded body.
function describe(err) {
  if (!err) return 'unknown error';
  let s = `${err.name || 'Error'}: ${err.message || String(err)}`;
  if (err.data !== undefined) {
    let body;
    try {
      body = typeof err.data === 'string' ? err.data : JSON.stringify(err.data);
    } catch {
      body = String(err.data);
    }
    if (body && body !== '{}') s += ` | body: ${body}`;
  }
  return s.length > 1500 ? s.slice(0, 1500) + '...' : s;
}

// CheckError marks an answer the SDK accepted but that is unusable (a missing id, a field
// revived into a Date where a string belongs, ...).
class CheckError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CheckError';
  }
}

function check(cond, message) {
  if (!cond) throw new CheckError(message);
}

// isID: an identifier must come back as a non-empty string (the SDK turns strings that start
// like a date into Date objects).
function isID(v) {
  return typeof v === 'string' && v.length > 0;
}

// run calls one operation. deps names values the operation needs from earlier ones; when one is
// missing the operation is reported as failed without being called.
async function run(op, deps, fn) {
  const missing = Object.entries(deps).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) {
    emit({ op, ok: false, status: null, error: `not run: needs ${missing.join(', ')} from an earlier operation that failed` });
    return undefined;
  }
  if (markURL) {
    try {
      await fetch(`${markURL}?op=${encodeURIComponent(op)}`);
    } catch {
      // The mark only helps diagnosis; its failure does not change the result.
    }
  }
  lastStatus = null;
  try {
    const res = await fn();
    emit({ op, ok: true, status: lastStatus, error: '' });
    return res;
  } catch (err) {
    const status = typeof err?.statusCode === 'number' ? err.statusCode : lastStatus;
    emit({ op, ok: false, status, error: describe(err) });
    return undefined;
  }
}

// firstPage resolves one of the SDK's list promises (ApiListPromise) to its first page.
async function firstPage(listPromise) {
  const page = await listPromise;
  check(page && Array.isArray(page.data), `list answer has no data array: ${JSON.stringify(page)}`);
  return page;
}

// ---------------------------------------------------------------------------------------------
// Scenario "token-expiry" (INTEROP_SCENARIO=token-expiry, INTEROP_WAIT_MS=<ms>): a call, a wait
// longer than the access token's lifetime, and a second call, which only works if the server
// tells the SDK that the token expired in a way the SDK recognises.

if (process.env.INTEROP_SCENARIO === 'token-expiry') {
  const waitMs = Number(process.env.INTEROP_WAIT_MS || '1500');
  await run('listApps', {}, async () => {
    await conv.app.list({});
  });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  await run('listAppsAfterTokenExpiry', {}, async () => {
    await conv.app.list({});
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Scenario "callbacks" (INTEROP_SCENARIO=callbacks): this script hosts the webhook itself,
// registers it through the SDK, sends a message, and checks every callback that arrives with the
// SDK's own callback tools: ConversationCallbackWebhooks.validateAuthenticationHeader (the
// HMAC signature) and parseEvent (which trigger the SDK sees). One line per trigger:
// {"op": "callback:<TRIGGER>", ...}, and "callback:DELIVERED" for the final delivery report.

if (process.env.INTEROP_SCENARIO === 'callbacks') {
  const { createServer } = await import('node:http');
  const { ConversationCallbackWebhooks } = await import('@sinch/sdk-core');
  const secret = 'interop-callback-secret';
  const verifier = new ConversationCallbackWebhooks(secret);
  const received = []; // { trigger, signed, status, error }
  let delivered;
  const done = new Promise((resolve) => { delivered = resolve; });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry = { trigger: 'UNKNOWN', signed: false, status: '', error: '' };
      try {
        entry.signed = verifier.validateAuthenticationHeader(req.headers, raw, req.url, req.method);
        const event = verifier.parseEvent(raw);
        entry.trigger = event.trigger || 'UNKNOWN';
        entry.status = event.message_delivery_report?.status || '';
      } catch (err) {
        entry.error = describe(err);
      }
      received.push(entry);
      res.writeHead(200).end();
      if (entry.status === 'DELIVERED' || entry.status === 'FAILED') delivered();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${server.address().port}/sinch/callbacks`;

  const app = await conv.app.create({
    appCreateRequestBody: {
      display_name: 'Interop callbacks',
      processing_mode: 'CONVERSATION',
      channel_credentials: [{ channel: 'SMS', static_bearer: { claimed_identity: '447700900124', token: 'sms-token' } }],
    },
  });
  await conv.webhooks.create({
    webhookCreateRequestBody: {
      app_id: app.id,
      target,
      target_type: 'HTTP',
      secret,
      triggers: ['MESSAGE_SUBMIT', 'MESSAGE_DELIVERY', 'CONTACT_CREATE', 'CONVERSATION_START'],
    },
  });
  await conv.messages.sendTextMessage({
    sendMessageRequestBody: {
      app_id: app.id,
      recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: '+15551239876' }] } },
      message: { text_message: { text: 'Callbacks, please' } },
    },
  });
  const waitMs = Number(process.env.INTEROP_WAIT_MS || '10000');
  const timedOut = await Promise.race([
    done.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(true), waitMs)),
  ]);
  // Let callbacks already in flight land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  server.close();

  const byTrigger = new Map();
  for (const e of received) {
    if (!byTrigger.has(e.trigger)) byTrigger.set(e.trigger, []);
    byTrigger.get(e.trigger).push(e);
  }
  for (const trigger of ['MESSAGE_SUBMIT', 'MESSAGE_DELIVERY', 'CONTACT_CREATE', 'CONVERSATION_START']) {
    const got = byTrigger.get(trigger) || [];
    byTrigger.delete(trigger);
    const bad = got.filter((e) => !e.signed || e.error);
    let error = '';
    if (got.length === 0) error = `no ${trigger} callback arrived`;
    else if (bad.length > 0) error = `${bad.length} of ${got.length} ${trigger} callbacks failed the SDK's checks: ${JSON.stringify(bad)}`;
    emit({ op: `callback:${trigger}`, ok: error === '', status: null, error });
  }
  for (const [trigger, got] of byTrigger) {
    emit({ op: `callback:${trigger}`, ok: false, status: null, error: `unexpected callbacks: ${JSON.stringify(got)}` });
  }
  const final = received.filter((e) => e.trigger === 'MESSAGE_DELIVERY').map((e) => e.status);
  emit({
    op: 'callback:DELIVERED',
    ok: !timedOut && final.includes('DELIVERED'),
    status: null,
    error: timedOut ? `no final delivery report within ${waitMs} ms (statuses: ${JSON.stringify(final)})` : (final.includes('DELIVERED') ? '' : `statuses: ${JSON.stringify(final)}`),
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The scenario of every operation (the default)

const phoneA = '+15551230001';
const phoneB = '+15551230002';
const now = new Date();
const ids = {};

// Apps
const app = await run('createApp', {}, async () => {
  const res = await conv.app.create({
    appCreateRequestBody: {
      display_name: 'Interop app',
      processing_mode: 'CONVERSATION',
      channel_credentials: [
        {
          channel: 'SMS',
          static_bearer: { claimed_identity: '447700900123', token: 'sms-service-plan-token' },
        },
      ],
    },
  });
  check(isID(res.id), `createApp: id is ${JSON.stringify(res.id)}`);
  return res;
});
ids.app = app?.id;

await run('listApps', {}, async () => {
  const res = await conv.app.list({});
  check(Array.isArray(res.apps), 'listApps: no apps array');
  check(res.apps.some((a) => a.id === ids.app), 'listApps: the created app is not listed');
});

await run('getApp', { app: ids.app }, async () => {
  const res = await conv.app.get({ app_id: ids.app });
  check(res.id === ids.app, `getApp: id ${JSON.stringify(res.id)}`);
  check(res.display_name === 'Interop app', `getApp: display_name ${JSON.stringify(res.display_name)}`);
});

await run('updateApp', { app: ids.app }, async () => {
  const res = await conv.app.update({
    app_id: ids.app,
    update_mask: ['display_name'],
    appUpdateRequestBody: { display_name: 'Interop app renamed' },
  });
  check(res.display_name === 'Interop app renamed', `updateApp: display_name ${JSON.stringify(res.display_name)}`);
});

// Webhooks
const webhook = await run('createWebhook', { app: ids.app }, async () => {
  const res = await conv.webhooks.create({
    webhookCreateRequestBody: {
      app_id: ids.app,
      target: webhookURL,
      target_type: 'HTTP',
      secret: 'interop-webhook-secret',
      triggers: ['MESSAGE_DELIVERY', 'MESSAGE_SUBMIT'],
    },
  });
  check(isID(res.id), `createWebhook: id is ${JSON.stringify(res.id)}`);
  return res;
});
ids.webhook = webhook?.id;

await run('listWebhooks', { app: ids.app }, async () => {
  const res = await conv.webhooks.list({ app_id: ids.app });
  check(Array.isArray(res.webhooks), 'listWebhooks: no webhooks array');
  check(res.webhooks.some((w) => w.id === ids.webhook), 'listWebhooks: the created webhook is not listed');
});

await run('getWebhook', { webhook: ids.webhook }, async () => {
  const res = await conv.webhooks.get({ webhook_id: ids.webhook });
  check(res.id === ids.webhook, `getWebhook: id ${JSON.stringify(res.id)}`);
});

await run('updateWebhook', { webhook: ids.webhook, app: ids.app }, async () => {
  const res = await conv.webhooks.update({
    webhook_id: ids.webhook,
    update_mask: ['triggers', 'target'],
    webhookUpdateRequestBody: {
      app_id: ids.app,
      target: webhookURL + '?v=2',
      triggers: ['MESSAGE_DELIVERY', 'MESSAGE_SUBMIT', 'EVENT_DELIVERY'],
    },
  });
  check(Array.isArray(res.triggers) && res.triggers.includes('EVENT_DELIVERY'), `updateWebhook: triggers ${JSON.stringify(res.triggers)}`);
});

// Contacts
const contact = await run('createContact', {}, async () => {
  const res = await conv.contact.create({
    contactCreateRequestBody: {
      channel_identities: [{ channel: 'SMS', identity: phoneA }],
      language: 'EN_US',
      display_name: 'Ana Interop',
      external_id: 'interop-ext-1',
      metadata: 'first contact',
    },
  });
  check(isID(res.id), `createContact: id is ${JSON.stringify(res.id)}`);
  return res;
});
ids.contact = contact?.id;

await run('listContacts', {}, async () => {
  // Looking a contact up by its phone number, the common use of this filter.
  const page = await firstPage(conv.contact.list({ channel: 'SMS', identity: phoneA, page_size: 10 }));
  check(page.data.some((c) => c.id === ids.contact), 'listContacts: the created contact is not found by channel and identity');
});

await run('getContact', { contact: ids.contact }, async () => {
  const res = await conv.contact.get({ contact_id: ids.contact });
  check(res.id === ids.contact, `getContact: id ${JSON.stringify(res.id)}`);
});

await run('updateContact', { contact: ids.contact }, async () => {
  const res = await conv.contact.update({
    contact_id: ids.contact,
    update_mask: ['display_name', 'email'],
    updateContactRequestBody: { display_name: 'Ana Renamed', email: 'ana@example.com' },
  });
  check(res.display_name === 'Ana Renamed', `updateContact: display_name ${JSON.stringify(res.display_name)}`);
});

// Conversations
const conversation = await run('createConversation', { app: ids.app, contact: ids.contact }, async () => {
  const res = await conv.conversation.create({
    createConversationRequestBody: {
      app_id: ids.app,
      contact_id: ids.contact,
      active: true,
      active_channel: 'SMS',
      metadata: 'interop conversation',
    },
  });
  check(isID(res.id), `createConversation: id is ${JSON.stringify(res.id)}`);
  return res;
});
ids.conversation = conversation?.id;

await run('listConversations', { app: ids.app }, async () => {
  const page = await firstPage(conv.conversation.list({ app_id: ids.app, only_active: false, page_size: 10 }));
  check(page.data.some((c) => c.id === ids.conversation), 'listConversations: the created conversation is not listed');
});

await run('getConversation', { conversation: ids.conversation }, async () => {
  const res = await conv.conversation.get({ conversation_id: ids.conversation });
  check(res.id === ids.conversation, `getConversation: id ${JSON.stringify(res.id)}`);
});

await run('updateConversation', { conversation: ids.conversation, app: ids.app }, async () => {
  const res = await conv.conversation.update({
    conversation_id: ids.conversation,
    update_mask: ['metadata'],
    metadata_update_strategy: 'REPLACE',
    updateConversationRequestBody: { app_id: ids.app, metadata: 'interop conversation, updated' },
  });
  check(res.metadata === 'interop conversation, updated', `updateConversation: metadata ${JSON.stringify(res.metadata)}`);
});

// Messages
const sent = await run('sendMessage', { app: ids.app, contact: ids.contact }, async () => {
  const res = await conv.messages.sendTextMessage({
    sendMessageRequestBody: {
      app_id: ids.app,
      recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: phoneA }] } },
      message: { text_message: { text: 'Hello from the Node SDK' } },
      channel_priority_order: ['SMS'],
      ttl: 60,
      message_metadata: 'sent by interop',
    },
  });
  check(isID(res.message_id), `sendMessage: message_id is ${JSON.stringify(res.message_id)}`);
  check(res.accepted_time instanceof Date, `sendMessage: accepted_time is ${JSON.stringify(res.accepted_time)}`);

  // Every other message kind, through the SDK's helper for it, to the contact by id. The text
  // message above stays the one later operations use.
  const toContact = { contact_id: ids.contact };
  const image = { url: 'https://example.com/media/pizza.jpg', thumbnail_url: 'https://example.com/media/pizza-small.jpg' };
  const card = {
    title: 'Margherita',
    description: 'Tomato, mozzarella, basil',
    media_message: image,
    height: 'MEDIUM',
    choices: [
      { text_message: { text: 'Order' }, postback_data: 'order-margherita' },
      { url_message: { title: 'Menu', url: 'https://example.com/menu' } },
    ],
  };
  const kinds = [
    ['sendMediaMessage', { media_message: image }],
    ['sendCardMessage', { card_message: card }],
    ['sendChoiceMessage', {
      choice_message: {
        text_message: { text: 'Pick up or delivery?' },
        choices: [
          { text_message: { text: 'Pick up' }, postback_data: 'pickup' },
          { call_message: { title: 'Call us', phone_number: '+15551230099' } },
          { location_message: { title: 'Our shop', coordinates: { latitude: 59.33, longitude: 18.06 } } },
        ],
      },
    }],
    ['sendLocationMessage', {
      location_message: { title: 'Our shop', label: 'Main street 1', coordinates: { latitude: 59.3293, longitude: 18.0686 } },
    }],
    ['sendListMessage', {
      list_message: {
        title: 'Choose a size',
        description: 'All sizes are baked to order',
        sections: [
          { title: 'Sizes', items: [{ choice: { title: 'Small', postback_data: 'size-s' } }, { choice: { title: 'Large', postback_data: 'size-l' } }] },
        ],
      },
    }],
    ['sendCarouselMessage', { carousel_message: { cards: [card, { ...card, title: 'Marinara' }] } }],
    ['sendContactInfoMessage', {
      contact_info_message: {
        name: { full_name: 'Pizza Shop', first_name: 'Pizza' },
        phone_numbers: [{ phone_number: '+15551230099', type: 'WORK' }],
        email_addresses: [{ email_address: 'shop@example.com', type: 'WORK' }],
      },
    }],
  ];
  const failedKinds = [];
  for (const [helper, message] of kinds) {
    try {
      const r = await conv.messages[helper]({
        sendMessageRequestBody: { app_id: ids.app, recipient: toContact, message, channel_priority_order: ['SMS'] },
      });
      if (!isID(r.message_id)) failedKinds.push(`${helper}: message_id is ${JSON.stringify(r.message_id)}`);
    } catch (err) {
      failedKinds.push(`${helper}: ${describe(err)}`);
    }
  }
  check(failedKinds.length === 0, `sendMessage variants failed: ${failedKinds.join(' || ')}`);
  return res;
});
ids.message = sent?.message_id;

await run('getMessage', { message: ids.message }, async () => {
  const res = await conv.messages.get({ message_id: ids.message });
  check(res.id === ids.message, `getMessage: id ${JSON.stringify(res.id)}`);
  check(res.accept_time instanceof Date, `getMessage: accept_time is ${JSON.stringify(res.accept_time)}`);
});

await run('listMessages', { app: ids.app, message: ids.message }, async () => {
  const page = await firstPage(conv.messages.list({
    app_id: ids.app,
    channel_identity: phoneA,
    start_time: new Date(now.getTime() - 3600 * 1000),
    end_time: new Date(now.getTime() + 3600 * 1000),
    page_size: 10,
    messages_source: 'CONVERSATION_SOURCE',
    view: 'WITH_METADATA',
  }));
  check(page.data.some((m) => m.id === ids.message), 'listMessages: the sent message is not listed');
});

await run('updateMessageMetadata', { message: ids.message }, async () => {
  const res = await conv.messages.update({
    message_id: ids.message,
    updateMessageRequestBody: { metadata: 'metadata set by interop' },
  });
  check(res.metadata === 'metadata set by interop', `updateMessageMetadata: metadata ${JSON.stringify(res.metadata)}`);
});

await run('fetchLastMessage', { app: ids.app, message: ids.message }, async () => {
  const page = await firstPage(conv.messages.listLastMessagesByChannelIdentity({
    listLastMessagesByChannelIdentityRequestBody: {
      app_id: ids.app,
      channel_identities: [phoneA],
      page_size: 10,
    },
  }));
  check(page.data.length > 0, 'fetchLastMessage: no message returned');
});

await run('injectMessage', { app: ids.app, conversation: ids.conversation, contact: ids.contact }, async () => {
  await conv.conversation.injectMessage({
    conversation_id: ids.conversation,
    injectMessageRequestBody: {
      app_message: { text_message: { text: 'An agent wrote this elsewhere' } },
      accept_time: new Date(now.getTime() - 60 * 1000),
      channel_identity: { channel: 'SMS', identity: phoneA, app_id: ids.app },
      contact_id: ids.contact,
      direction: 'TO_CONTACT',
      metadata: 'injected by interop',
    },
  });
});

await run('listRecentConversations', { app: ids.app }, async () => {
  const page = await firstPage(conv.conversation.listRecent({ app_id: ids.app, page_size: 10, order: 'DESC' }));
  check(page.data.length > 0, 'listRecentConversations: empty');
});

// Events
const sentEvent = await run('sendEvent', { app: ids.app }, async () => {
  const res = await conv.events.sendComposingEvent({
    sendEventRequestBody: {
      app_id: ids.app,
      recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: phoneA }] } },
      event: { composing_event: {} },
    },
  });
  check(isID(res.event_id), `sendEvent: event_id is ${JSON.stringify(res.event_id)}`);
  return res;
});
ids.sentEvent = sentEvent?.event_id;

const injected = await run('injectEvent', { app: ids.app, conversation: ids.conversation, contact: ids.contact }, async () => {
  const res = await conv.conversation.injectEvent({
    conversation_id: ids.conversation,
    injectConversationEventRequestBody: {
      app_event: { composing_end_event: {} },
      accept_time: new Date(now.getTime() - 30 * 1000),
      contact_id: ids.contact,
      channel_identity: { channel: 'SMS', identity: phoneA, app_id: ids.app },
    },
  });
  check(isID(res.event_id), `injectEvent: event_id is ${JSON.stringify(res.event_id)}`);
  return res;
});
ids.injectedEvent = injected?.event_id;

await run('getEvent', { event: ids.sentEvent }, async () => {
  const res = await conv.events.get({ event_id: ids.sentEvent });
  check(res.id === ids.sentEvent, `getEvent: id ${JSON.stringify(res.id)}`);
});

await run('listEvents', { sent: ids.sentEvent, injected: ids.injectedEvent }, async () => {
  // The SDK's auto-pagination, one event per page: page tokens must survive the round trip.
  const seen = [];
  for await (const e of conv.events.list({ page_size: 1 })) {
    check(isID(e.id), `listEvents: id is ${JSON.stringify(e.id)}`);
    seen.push(e.id);
    check(seen.length <= 10, 'listEvents: pagination does not end');
  }
  check(seen.includes(ids.sentEvent) && seen.includes(ids.injectedEvent), `listEvents: pages gave ${JSON.stringify(seen)}`);
});

await run('deleteEvent', { event: ids.injectedEvent }, async () => {
  await conv.events.delete({ event_id: ids.injectedEvent });
});

// Transcoding, capability, channel profile
await run('transcodeMessage', { app: ids.app }, async () => {
  const res = await conv.transcoding.transcodeMessage({
    transcodeMessageRequestBody: {
      app_id: ids.app,
      app_message: { text_message: { text: 'Transcode me' } },
      channels: ['SMS', 'WHATSAPP'],
    },
  });
  check(res.transcoded_message && typeof res.transcoded_message === 'object', `transcodeMessage: ${JSON.stringify(res)}`);
});

await run('queryCapability', { app: ids.app }, async () => {
  const res = await conv.capability.lookup({
    lookupCapabilityRequestBody: {
      app_id: ids.app,
      recipient: { identified_by: { channel_identities: [{ channel: 'SMS', identity: phoneA }] } },
      request_id: 'interop-capability-1',
    },
  });
  check(res.app_id === ids.app, `queryCapability: app_id ${JSON.stringify(res.app_id)}`);
});

await run('getChannelProfile', { app: ids.app, contact: ids.contact }, async () => {
  await conv.contact.getChannelProfile({
    getChannelProfileRequestBody: {
      app_id: ids.app,
      recipient: { contact_id: ids.contact },
      channel: 'MESSENGER',
    },
  });
});

// Consents
await run('listConsents', { app: ids.app }, async () => {
  await firstPage(conv.consents.listIdentities({ app_id: ids.app, list_type: 'OPT_OUT_ALL', page_size: 10 }));
});

await run('listConsentAuditRecords', { app: ids.app }, async () => {
  await conv.consents.listAuditRecords({ app_id: ids.app, identity: phoneA });
});

await run('listIdentityConflicts', {}, async () => {
  await firstPage(conv.contact.listIdentityConflicts({ page_size: 10 }));
});

// Project settings
await run('createProjectSettings', {}, async () => {
  const res = await conv.projectSettings.create({
    createProjectSettingsRequestBody: { contact_settings: { unified_contact_id_enabled: true } },
  });
  check(res.settings?.contact_settings?.unified_contact_id_enabled === true, `createProjectSettings: ${JSON.stringify(res)}`);
});

await run('getProjectSettings', {}, async () => {
  const res = await conv.projectSettings.get({});
  check(res.settings?.contact_settings?.unified_contact_id_enabled === true, `getProjectSettings: ${JSON.stringify(res)}`);
});

await run('updateProjectSettings', {}, async () => {
  const res = await conv.projectSettings.update({
    updateProjectSettingsRequestBody: { contact_settings: { unified_contact_id_enabled: false } },
  });
  check(res.settings?.contact_settings?.unified_contact_id_enabled === false, `updateProjectSettings: ${JSON.stringify(res)}`);
});

await run('deleteProjectSettings', {}, async () => {
  await conv.projectSettings.delete({});
});

// Templates v2
const template = await run('createTemplate', {}, async () => {
  const res = await conv.templatesV2.create({
    createTemplateRequestBody: {
      description: 'Interop greeting',
      default_translation: 'en-US',
      translations: [
        {
          language_code: 'en-US',
          version: '1',
          text_message: { text: 'Hello ${name}' },
          variables: [{ key: 'name', preview_value: 'Ana' }],
        },
      ],
    },
  });
  check(isID(res.id), `createTemplate: id is ${JSON.stringify(res.id)}`);
  return res;
});
ids.template = template?.id;

await run('getTemplate', { template: ids.template }, async () => {
  const res = await conv.templatesV2.get({ template_id: ids.template });
  check(res.id === ids.template, `getTemplate: id ${JSON.stringify(res.id)}`);
  check(res.create_time instanceof Date, `getTemplate: create_time is ${JSON.stringify(res.create_time)}`);
});

await run('listTemplates', { template: ids.template }, async () => {
  const res = await conv.templatesV2.list({});
  check(Array.isArray(res.templates), 'listTemplates: no templates array');
  check(res.templates.some((t) => t.id === ids.template), 'listTemplates: the created template is not listed');
});

await run('updateTemplate', { template: ids.template }, async () => {
  const res = await conv.templatesV2.update({
    template_id: ids.template,
    updateTemplateRequestBody: {
      version: template.version ?? 1,
      description: 'Interop greeting, updated',
      default_translation: 'en-US',
      translations: [
        {
          language_code: 'en-US',
          version: '2',
          text_message: { text: 'Hi ${name}' },
          variables: [{ key: 'name', preview_value: 'Ana' }],
        },
      ],
    },
  });
  check(res.description === 'Interop greeting, updated', `updateTemplate: description ${JSON.stringify(res.description)}`);
});

await run('listTemplateTranslations', { template: ids.template }, async () => {
  const res = await conv.templatesV2.listTranslations({ template_id: ids.template, language_code: 'en-US' });
  check(Array.isArray(res.translations) && res.translations.length > 0, `listTemplateTranslations: ${JSON.stringify(res)}`);
});

await run('deleteTemplate', { template: ids.template }, async () => {
  await conv.templatesV2.delete({ template_id: ids.template });
});

// Merge, stop and the deletes
await run('mergeContact', { contact: ids.contact }, async () => {
  // The contact merged away is made here, through the SDK too; its creation is part of this step.
  const source = await conv.contact.create({
    contactCreateRequestBody: {
      channel_identities: [{ channel: 'SMS', identity: phoneB }],
      language: 'EN_US',
      display_name: 'Ana, second number',
    },
  });
  check(isID(source.id), `mergeContact: second contact id is ${JSON.stringify(source.id)}`);
  const res = await conv.contact.mergeContact({
    destination_id: ids.contact,
    mergeContactRequestBody: { source_id: source.id, strategy: 'MERGE' },
  });
  check(res.id === ids.contact, `mergeContact: id ${JSON.stringify(res.id)}`);
});

await run('stopConversation', { conversation: ids.conversation }, async () => {
  await conv.conversation.stopActive({ conversation_id: ids.conversation });
});

await run('deleteMessage', { message: ids.message }, async () => {
  await conv.messages.delete({ message_id: ids.message });
});

await run('deleteConversation', { conversation: ids.conversation }, async () => {
  await conv.conversation.delete({ conversation_id: ids.conversation });
});

await run('deleteContact', { contact: ids.contact }, async () => {
  await conv.contact.delete({ contact_id: ids.contact });
});

await run('deleteWebhook', { webhook: ids.webhook }, async () => {
  await conv.webhooks.delete({ webhook_id: ids.webhook });
});

await run('deleteApp', { app: ids.app }, async () => {
  await conv.app.delete({ app_id: ids.app });
});

const failed = results.filter((r) => !r.ok).length;
process.stderr.write(`interop: ${results.length - failed} of ${results.length} operations worked\n`);
