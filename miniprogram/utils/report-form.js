// The 报事 form's rules (pages/reports/new): the body it sends (ReportCreateArgs), what it
// refuses before a round trip, what it asks neighbours' reports by, and where the backend's
// refusals belong on the form. Each takes the page's data.

const api = require('./api');
const reports = require('./reports');

const { LIMITS } = reports;
const PLACE_MODES = [
  { value: 'building', label: '楼栋' },
  { value: 'map', label: '地图选点' },
  { value: 'asset', label: '设施编号' },
];
// Refusals about one part of the form, shown at that part.
const FIELD_OF_REASON = {
  report_text_risky: 'text',
  report_category_invalid: 'category',
  report_place_invalid: 'place',
  report_photo_invalid: 'photos',
};
const FIELD_OF_ARG = { category_id: 'category', media_ids: 'photos' };

/** The point wx.chooseLocation answered, to the six decimals the API keeps. */
function pointOf(location) {
  const round6 = (value) => Number(Number(value).toFixed(6));
  return {
    lat: round6(location.latitude),
    lng: round6(location.longitude),
    name: location.name || location.address || '',
  };
}

/** The place as the API takes it (ReportPlaceArgs), or {error} when it is incomplete. */
function placeArgs(data) {
  const { placeMode, buildings, buildingIndex, unitIndex, point, assetCode } = data;
  const note = data.placeNote.trim();
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
}

/** The request body (ReportCreateArgs) as {payload}, or {errors} by field when it is not ready. */
function reportBody(data) {
  const errors = {};
  const text = data.text.trim();
  if (!data.category) errors.category = '请选择问题类别';
  if (!text) errors.text = '请描述遇到的问题';
  else if (text.length < LIMITS.textMin) errors.text = `请至少写 ${LIMITS.textMin} 个字`;
  else if (text.length > LIMITS.textMax) errors.text = `最多 ${LIMITS.textMax} 个字`;
  const { place, error } = placeArgs(data);
  if (error) errors.place = error;
  if (Object.keys(errors).length) return { errors };
  return {
    payload: { category_id: data.category.id, text, place, media_ids: data.photos.mediaIds },
  };
}

/**
 * What to look for neighbours' open reports by: a public category at a building or facility;
 * null when there is nothing to match (private reports are never offered).
 */
function similarQuery(data) {
  const { category, placeMode, buildings, buildingIndex, assetCode } = data;
  if (!category || !category.is_public) return null;
  if (placeMode === 'building' && buildingIndex >= 0) {
    return { category_id: category.id, building_id: buildings[buildingIndex].id };
  }
  if (placeMode === 'asset' && reports.isValidAssetCode(assetCode)) {
    return { category_id: category.id, asset_code: assetCode };
  }
  return null;
}

/** A refused report's messages by the form's fields, or null when it names none. */
function refusalErrors(error) {
  const field = FIELD_OF_REASON[error.reason];
  if (field) return { [field]: error.message };
  if (error.status !== 422) return null;
  const messages = api.fieldMessages(error.errors);
  const out = {};
  Object.keys(messages).forEach((arg) => {
    out[FIELD_OF_ARG[arg] || arg] = messages[arg];
  });
  return out;
}

module.exports = { PLACE_MODES, pointOf, placeArgs, reportBody, similarQuery, refusalErrors };
