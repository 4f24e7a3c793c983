// Large-text mode (大字模式) for elderly residents: a stored switch that every page applies as
// a class on its root view; app.wxss scales every size through the --fs variable under it.

const LARGE_TEXT_KEY = 'linli.largeText';
const LARGE_TEXT_CLASS = 'large-text';

function isLargeText() {
  return wx.getStorageSync(LARGE_TEXT_KEY) === true;
}

function setLargeText(on) {
  wx.setStorageSync(LARGE_TEXT_KEY, !!on);
}

/** The class for a page's root view: `<view class="page {{textClass}}">`. */
function textClass() {
  return isLargeText() ? LARGE_TEXT_CLASS : '';
}

module.exports = { isLargeText, setLargeText, textClass, LARGE_TEXT_CLASS };
