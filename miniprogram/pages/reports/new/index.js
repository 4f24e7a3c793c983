// 我要报事: the category, what is wrong, up to 9 photos (each uploaded as soon as it is picked,
// with its own progress), and where: a building, a point on the map or a facility's code.
// Neighbours' open reports of the same thing at the same place are offered to join instead.

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const reports = require('../../../utils/reports');
const subscribe = require('../../../utils/subscribe');
const ui = require('../../../utils/ui');

const { LIMITS } = reports;
const PLACE_MODES = [
  { value: 'building', label: '楼栋' },
  { value: 'map', label: '地图选点' },
  { value: 'asset', label: '设施编号' },
];
const FIELD_OF_REASON = {
  report_text_risky: 'text',
  report_category_invalid: 'category',
  report_place_invalid: 'place',
  report_photo_invalid: 'photos',
};

function firstMessages(errors) {
  const out = {};
  Object.keys(errors || {}).forEach((field) => {
    const value = errors[field];
    const text = Array.isArray(value) ? value[0] : value;
    out[field === 'category_id' ? 'category' : field === 'media_ids' ? 'photos' : field] =
      typeof text === 'string' ? text : '填写有误';
  });
  return out;
}

function round6(value) {
  return Number(Number(value).toFixed(6));
}

definePage({
  data: {
    state: 'loading',
    error: '',
    limits: LIMITS,
    categories: [],
    category: null,
    text: '',
    photos: [], // {key, path, status: uploading | done | failed, progress, mediaId}
    placeModes: PLACE_MODES,
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
    this.photoSeq = 0;
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
        const name = res.name || res.address || '';
        this.edited({
          point: { lat: round6(res.latitude), lng: round6(res.longitude), name },
          placeNote: this.data.placeNote || name.slice(0, LIMITS.placeNoteMax),
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

  /** The place as the API takes it (ReportPlaceArgs), or {error} when it is incomplete. */
  place() {
    const { placeMode, buildings, buildingIndex, unitIndex, point, assetCode } = this.data;
    const note = this.data.placeNote.trim();
    const extra = note ? { note } : {};
    if (placeMode === 'building') {
      if (buildingIndex < 0) return { error: '请选择楼栋' };
      const building = buildings[buildingIndex];
      const unit = unitIndex > 0 ? building.units[unitIndex - 1] : null;
      return { place: { building_id: building.id, ...(unit ? { unit_id: unit.id } : {}), ...extra } };
    }
    if (placeMode === 'map') {
      if (!point) return { error: '请在地图上选择位置' };
      return { place: { lat: point.lat, lng: point.lng, ...extra } };
    }
    if (!assetCode) return { error: '请扫码或填写设施编号' };
    if (!reports.isValidAssetCode(assetCode)) return { error: '设施编号只能包含字母、数字、-、_' };
    return { place: { asset_code: assetCode, ...extra } };
  },

  /** The request body (ReportCreateArgs), or {errors} when something is missing. */
  build() {
    const errors = {};
    const text = this.data.text.trim();
    if (!this.data.category) errors.category = '请选择问题类别';
    if (!text) errors.text = '请描述遇到的问题';
    else if (text.length < LIMITS.textMin) errors.text = `请至少写 ${LIMITS.textMin} 个字`;
    else if (text.length > LIMITS.textMax) errors.text = `最多 ${LIMITS.textMax} 个字`;
    const { place, error } = this.place();
    if (error) errors.place = error;
    if (Object.keys(errors).length) return { errors };
    return {
      payload: {
        category_id: this.data.category.id,
        text,
        place,
        media_ids: this.data.photos.filter((p) => p.status === 'done').map((p) => p.mediaId),
      },
    };
  },

  // -- "me too" -----------------------------------------------------------------------------

  /** What to look for neighbours' reports by: a public category at a building or facility. */
  similarQuery() {
    const { category, placeMode, buildings, buildingIndex, assetCode } = this.data;
    if (!category || !category.is_public) return null; // private reports are never offered
    if (placeMode === 'building' && buildingIndex >= 0) {
      return { category_id: category.id, building_id: buildings[buildingIndex].id };
    }
    if (placeMode === 'asset' && reports.isValidAssetCode(assetCode)) {
      return { category_id: category.id, asset_code: assetCode };
    }
    return null;
  },

  /** Look up open reports like this one; the latest question wins. Never toasts: a courtesy. */
  checkSimilar() {
    const query = this.similarQuery();
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

  choosePhotos() {
    const room = LIMITS.photos - this.data.photos.length;
    if (room <= 0) {
      ui.toast(`最多 ${LIMITS.photos} 张照片`);
      return;
    }
    wx.chooseMedia({
      count: room,
      mediaType: ['image'],
      sizeType: ['compressed'],
      sourceType: ['album', 'camera'],
      success: (res) => this.addPhotos(res.tempFiles || []),
    });
  },

  addPhotos(files) {
    const room = LIMITS.photos - this.data.photos.length;
    const added = files.slice(0, Math.max(room, 0)).map((file) => {
      this.photoSeq += 1;
      return {
        key: `p${this.photoSeq}`,
        path: file.tempFilePath,
        status: 'uploading',
        progress: 0,
        mediaId: 0,
      };
    });
    if (!added.length) return;
    this.edited({ photos: this.data.photos.concat(added), 'errors.photos': '' });
    added.forEach((photo) => this.upload(photo.key));
  },

  photoIndex(key) {
    return this.data.photos.findIndex((p) => p.key === key);
  },

  /** Change one photo, if it is still in the form (it may have been removed meanwhile). */
  updatePhoto(key, changes) {
    const index = this.photoIndex(key);
    if (index < 0) return;
    const update = {};
    Object.keys(changes).forEach((field) => {
      update[`photos[${index}].${field}`] = changes[field];
    });
    this.setData(update);
  },

  async upload(key) {
    const photo = this.data.photos[this.photoIndex(key)];
    this.updatePhoto(key, { status: 'uploading', progress: 0 });
    try {
      const media = await api.upload({
        path: '/media/images',
        filePath: photo.path,
        name: 'file',
        formData: { purpose: 'report' },
        onProgress: (percent) => this.updatePhoto(key, { progress: percent }),
      });
      this.updatePhoto(key, { status: 'done', progress: 100, mediaId: media.id });
    } catch (error) {
      this.updatePhoto(key, { status: 'failed' }); // api.js showed why; a tap tries again
    }
  },

  /** A tap on a photo: a failed one tries again, others open large. */
  tapPhoto(e) {
    const key = e.currentTarget.dataset.key;
    const photo = this.data.photos[this.photoIndex(key)];
    if (!photo) return;
    if (photo.status === 'failed') this.upload(key);
    else wx.previewImage({ urls: this.data.photos.map((p) => p.path), current: photo.path });
  },

  // An upload still going on finishes unseen: its image is never attached to a report.
  removePhoto(e) {
    const key = e.currentTarget.dataset.key;
    this.edited({ photos: this.data.photos.filter((p) => p.key !== key), 'errors.photos': '' });
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
    const { payload, errors } = this.build();
    if (errors) {
      this.setData({ errors });
      ui.toast('请检查标红的内容');
      return;
    }
    if (this.data.photos.some((p) => p.status === 'uploading')) {
      ui.toast('照片还在上传，请稍候');
      return;
    }
    if (this.data.photos.some((p) => p.status === 'failed')) {
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
      const field = FIELD_OF_REASON[error.reason];
      if (field) this.setData({ [`errors.${field}`]: error.message });
      else if (error.status === 422) this.setData({ errors: firstMessages(error.errors) });
    } finally {
      this.setData({ submitting: false });
    }
  },
});
