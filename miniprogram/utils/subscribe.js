// Subscribe messages (订阅消息): ask WeChat's popup at the moment of intent and tell linli the
// answers, so it knows how many one-time messages each person has granted per template.
//
// WeChat only shows the popup from a tap. So a page calls `prepare()` when it loads (fetching
// the community's template ids) and `ask([...purposes])` first thing in its tap handler, before
// awaiting anything else; with a warm cache the popup opens within the tap.

const api = require('./api');

const MAX_PER_POPUP = 3; // wx.requestSubscribeMessage takes at most 3 templates per call
const CACHE_MS = 10 * 60 * 1000;
const STATUSES = ['accept', 'reject', 'ban', 'filter', 'acceptWithAudio', 'acceptWithAlert'];

// Purposes the backend knows (TemplatePurpose): notice, report_update, activity_signup,
// activity_reminder, waitlist_promotion.
let cache = null; // { at, items: [{purpose, template_id, long_term, count, last_status}] }

function isAccept(status) {
  return typeof status === 'string' && status.indexOf('accept') === 0;
}

/** The community's templates and my credits; cached for a few minutes. Never toasts. */
async function load({ force = false } = {}) {
  if (!force && cache && Date.now() - cache.at < CACHE_MS) return cache.items;
  const items = await api.get('/me/subscriptions', null, { toast: false });
  cache = { at: Date.now(), items: items || [] };
  return cache.items;
}

/** Warm the cache when a page opens, so a later tap can open the popup at once. */
function prepare() {
  return load().catch(() => []);
}

function templateIdsFor(items, purposes) {
  const ids = [];
  purposes.forEach((purpose) => {
    items
      .filter((t) => t.purpose === purpose)
      // A long-term template, once accepted, needs no further popups.
      .filter((t) => !(t.long_term && isAccept(t.last_status)))
      .forEach((t) => {
        if (ids.indexOf(t.template_id) < 0) ids.push(t.template_id);
      });
  });
  return ids.slice(0, MAX_PER_POPUP);
}

function popup(tmplIds) {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: resolve,
      // The user switched subscriptions off in settings, or WeChat refused the call: no answer.
      fail: () => resolve(null),
    });
  });
}

/**
 * Ask for the templates serving `purposes` (≤ 3) and report the answers to linli.
 * Resolves { asked, results: [{template_id, status}], accepted, error? } and never rejects: a
 * refused popup or a failed report must not spoil the action that prompted it.
 */
async function ask(purposes) {
  const outcome = { asked: false, results: [], accepted: 0 };
  try {
    const items = cache ? cache.items : await load();
    const tmplIds = templateIdsFor(items, purposes);
    if (!tmplIds.length) return outcome;
    outcome.asked = true;
    const answers = await popup(tmplIds);
    outcome.results = tmplIds
      .filter((id) => answers && STATUSES.indexOf(answers[id]) >= 0)
      .map((id) => ({ template_id: id, status: answers[id] }));
    outcome.accepted = outcome.results.filter((r) => isAccept(r.status)).length;
    if (outcome.results.length) {
      const updated = await api.post('/me/subscriptions', { results: outcome.results }, { toast: false });
      cache = { at: Date.now(), items: updated || items };
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function reset() {
  cache = null;
}

module.exports = { prepare, load, ask, reset, templateIdsFor, MAX_PER_POPUP };
