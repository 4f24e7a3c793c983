// Answers shaped like linli's API (app/*/schemas.py), for page tests on the fake backend.

const HOUR_MS = 60 * 60 * 1000;

/** Now plus `offsetMs`, as the API writes times: Beijing time with its offset. */
function beijing(offsetMs = 0) {
  const shifted = new Date(Date.now() + offsetMs + 8 * HOUR_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

const COMMUNITY = { id: 1, slug: 'beijiao', name: '北焦社区', city: '北京市', district: '朝阳区', brand: {} };

function me(overrides = {}) {
  return {
    id: 12,
    nickname: '北焦居民小王',
    avatar_url: null,
    phone: null,
    phone_bound: false,
    community: COMMUNITY,
    roles: [],
    memberships: [{ community_id: 1, roles: [] }],
    ...overrides,
  };
}

function notice(id, overrides = {}) {
  return {
    id,
    title: `通知 ${id}`,
    summary: `通知 ${id} 的摘要`,
    pinned: false,
    requires_ack: false,
    published_at: '2025-03-05T14:30:00+08:00',
    expires_at: null,
    read: false,
    acknowledged: false,
    ...overrides,
  };
}

function noticeDetail(id, overrides = {}) {
  return {
    ...notice(id),
    body: `通知 ${id} 的全文\n第二行`,
    images: [],
    read: true,
    read_at: '2025-03-05T15:00:00+08:00',
    acknowledged_at: null,
    ...overrides,
  };
}

function page(items, total = items.length, pageNumber = 1, pageSize = 20) {
  return { items, page: pageNumber, page_size: pageSize, total };
}

function staffNotice(id, overrides = {}) {
  return {
    id,
    title: `通知 ${id}`,
    body: '正文',
    images: [],
    audience: { kind: 'grids', ids: [1, 2] },
    status: 'published',
    author_user_id: 3,
    publish_at: '2025-03-05T14:30:00+08:00',
    published_at: '2025-03-05T14:30:00+08:00',
    expires_at: null,
    cancelled_at: null,
    pinned: false,
    requires_ack: true,
    push: true,
    delivery_batch_id: 9,
    created_at: '2025-03-05T14:30:00+08:00',
    ...overrides,
  };
}

function report(id, progress, overrides = {}) {
  return {
    notice: staffNotice(id),
    recipients: 10,
    read: 4,
    households: 8,
    read_households: 3,
    acknowledged_households: 2,
    push: 'queued',
    progress,
    ...overrides,
  };
}

/** One template of GET /me/subscriptions, no message granted yet. */
function subscription(purpose, templateId, overrides = {}) {
  return { purpose, template_id: templateId, long_term: false, count: 0, last_status: null, ...overrides };
}

function notReached(id, grids = []) {
  return { notice_id: id, total: grids.reduce((n, g) => n + g.households.length, 0), grids };
}

module.exports = {
  beijing,
  COMMUNITY,
  me,
  notice,
  noticeDetail,
  page,
  staffNotice,
  report,
  subscription,
  notReached,
};
