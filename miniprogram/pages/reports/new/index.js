// 我要报事: the category, what is wrong, up to 9 photos (components/photo-picker uploads each as
// soon as it is picked), and where: a building, a point on the map or a facility's code.
// Neighbours' open reports of the same thing at the same place are offered to join instead.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const form = require('../../../utils/report-form');
const reports = require('../../../utils/reports');
const subscribe = require('../../../utils/subscribe');
const ui = require('../../../utils/ui');

const { LIMITS } = reports;

definePage({
  data: {
    state: 'loading',
    error: '',
    limits: LIMITS,
    categories: [],
    category: null,
    text: '',
    photos: { mediaIds: [], uploading: 0, failed: 0 }, // as the photo picker last told
    placeModes: form.PLACE_MODES,
    placeMode: 'building',
    buildings: [],
    buildingNames: [],
    buildingsError: '',
    buildingIndex: -1,
    unitNames: [],
    unitIndex: 0, // 0: no unit
    point: null, // {lat, lng, name}
    assetCode: '',
    placeNote: '',
    similar: [],
    errors: {},
    submitting: false,
    joiningId: 0,
  },

  onLoad() {
    subscribe.prepare(); // the submit tap opens the subscribe popup at once
    this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    const places = this.loadBuildings();
    try {
      const { items } = await api.get('/reports/categories', null, { toast: false });
      await places;
      this.setData({ state: items.length ? 'ready' : 'empty', categories: items });
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  /** The buildings for the picker; without them the map and the facility code still work. */
  async loadBuildings() {
    try {
      const { items } = await api.get('/community/places', null, { toast: false });
      this.setData({ buildings: items, buildingNames: items.map((b) => b.name), buildingsError: '' });
    } catch (error) {
      this.setData({ buildingsError: '楼栋列表暂时无法加载，可改用地图选点或设施编号', placeMode: 'map' });
    }
  },

  retry() {
    this.load();
  },

  // Any change makes the next submit a new action with a new Idempotency-Key; an unchanged
  // form tapped again after a lost answer is the same report.
  edited(changes) {
    this.submitKey = null;
    this.setData(changes);
  },

  // -- what and where -----------------------------------------------------------------------

  chooseCategory(e) {
    const id = Number(e.currentTarget.dataset.id);
    const category = this.data.categories.find((c) => c.id === id) || null;
    this.edited({ category, 'errors.category': '' });
    this.checkSimilar();
  },

  onTextInput(e) {
    this.edited({ text: e.detail.value, 'errors.text': '' });
  },

  onPlaceNoteInput(e) {
    this.edited({ placeNote: e.detail.value, 'errors.note': '' });
  },

  choosePlaceMode(e) {
    this.edited({ placeMode: e.currentTarget.dataset.mode, 'errors.place': '' });
    this.checkSimilar();
  },

  onBuildingChange(e) {
    const buildingIndex = Number(e.detail.value);
    const units = this.data.buildings[buildingIndex].units || [];
    this.edited({
      buildingIndex,
      unitIndex: 0,
      unitNames: ['不选单元'].concat(units.map((u) => `${u.code}单元`)),
      'errors.place': '',
    });
    this.checkSimilar();
  },

  onUnitChange(e) {
    this.edited({ unitIndex: Number(e.detail.value) });
  },

  chooseLocation() {
    const point = this.data.point;
    wx.chooseLocation({
      ...(point ? { latitude: point.lat, longitude: point.lng } : {}),
      success: (res) => {
        const point = form.pointOf(res);
        this.edited({
          point,
          placeNote: this.data.placeNote || point.name.slice(0, LIMITS.placeNoteMax),
          'errors.place': '',
        });
      },
      fail: (err) => {
        if (!/cancel/.test((err && err.errMsg) || '')) ui.toast('无法打开地图，请在设置中允许使用位置信息');
      },
    });
  },

  onAssetInput(e) {
    this.edited({ assetCode: e.detail.value.trim(), 'errors.place': '' });
  },

  onAssetBlur() {
    this.checkSimilar();
  },

  scanAsset() {
    wx.scanCode({
      scanType: ['qrCode', 'barCode'],
      success: (res) => {
        const code = reports.assetCodeFromScan(res.result);
        if (!code) {
          ui.toast('没有识别到设施编号，请手动填写');
          return;
        }
        this.edited({ assetCode: code, 'errors.place': '' });
        this.checkSimilar();
      },
    });
  },

  // -- "me too" -----------------------------------------------------------------------------

  /** Look up open reports like this one; the latest question wins. Never toasts: a courtesy. */
  checkSimilar() {
    const query = form.similarQuery(this.data);
    const key = query ? JSON.stringify(query) : '';
    if (key === this.similarKey && this.similarPending) return this.similarPending;
    this.similarKey = key;
    if (!query) {
      this.similarPending = null;
      this.setData({ similar: [] });
      return Promise.resolve([]);
    }
    let failed = false;
    const pending = api
      .get('/reports/similar', query, { toast: false })
      .then(
        (res) => res.items.map(reports.decorateItem),
        () => {
          failed = true;
          return [];
        }
      )
      .then((items) => {
        if (this.similarKey !== key) return items;
        if (failed) this.similarPending = null; // a failed look-up is asked again on the submit tap
        this.similarShownKey = key;
        this.setData({ similar: items });
        return items;
      });
    this.similarPending = pending;
    return pending;
  },

  /** 我也遇到: follow a neighbour's report instead of filing the same again. */
  async joinSimilar(e) {
    const id = Number(e.currentTarget.dataset.id);
    if (this.data.joiningId || this.data.submitting) return;
    this.askOnce();
    this.setData({ joiningId: id });
    this.joinKeys = this.joinKeys || {};
    this.joinKeys[id] = this.joinKeys[id] || api.newIdempotencyKey();
    try {
      await api.post(`/reports/${id}/support`, undefined, { idempotencyKey: this.joinKeys[id] });
      ui.toast('已加入，处理进展会通知您');
      wx.redirectTo({ url: `/pages/reports/detail/index?id=${id}` });
    } catch (error) {
      // api.js showed why (e.g. it was just resolved); offer what is still open.
      if (error.status === 404 || error.status === 409) {
        this.similarKey = null;
        this.checkSimilar();
      }
    } finally {
      this.setData({ joiningId: 0 });
    }
  },

  // -- photos -------------------------------------------------------------------------------

  /** The photo picker's news: a photo added, uploaded, failed or removed. */
  onPhotosChange(e) {
    this.edited({ photos: e.detail, 'errors.photos': '' });
  },

  // -- submitting ---------------------------------------------------------------------------

  /**
   * WeChat opens the subscribe popup only from a tap, before anything is awaited: ask as the
   * tap begins, once per form, for progress messages on the report filed or joined.
   */
  askOnce() {
    if (this.asked) return;
    this.asked = true;
    subscribe.ask(['report_update']);
  },

  async submit() {
    if (this.data.submitting || this.data.joiningId) return;
    const { payload, errors } = form.reportBody(this.data);
    if (errors) {
      this.setData({ errors });
      ui.toast('请检查标红的内容');
      return;
    }
    if (this.data.photos.uploading) {
      ui.toast('照片还在上传，请稍候');
      return;
    }
    if (this.data.photos.failed) {
      this.setData({ 'errors.photos': '有照片没有传成功，请点照片重试或删掉' });
      ui.toast('有照片没有传成功');
      return;
    }
    this.askOnce();
    this.setData({ submitting: true });
    try {
      // Suggestions not on screen before this tap (for this very place) are shown first; the
      // next tap files it.
      const seen = this.data.similar.length ? this.similarShownKey : null;
      const similar = await this.checkSimilar();
      if (similar.length && seen !== this.similarKey) {
        ui.toast('已有邻居报了相同的问题，可点“我也遇到”');
        return;
      }
      this.submitKey = this.submitKey || api.newIdempotencyKey();
      const report = await api.post('/reports', payload, { idempotencyKey: this.submitKey });
      this.submitKey = null;
      wx.redirectTo({ url: `/pages/reports/detail/index?id=${report.id}` });
    } catch (error) {
      // api.js showed the message; the form stays. The key stays too: an unchanged form tapped
      // again after a lost answer is the same report, never a second one.
      const refused = form.refusalErrors(error);
      if (refused) this.setData({ errors: refused });
    } finally {
      this.setData({ submitting: false });
    }
  },
});
