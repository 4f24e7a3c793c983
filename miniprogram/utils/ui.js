// Small promise wrappers around WeChat's dialogs, so pages read top to bottom.

function toast(title) {
  wx.showToast({ title, icon: 'none', duration: 2500 });
}

/** wx.showModal as a promise of true (confirmed) / false. */
function confirm({ title, content = '', confirmText = '确定', cancelText = '取消', danger = false }) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      cancelText,
      confirmColor: danger ? '#b42318' : '#1d4f91',
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false),
    });
  });
}

function alert({ title, content = '' }) {
  return new Promise((resolve) => {
    wx.showModal({ title, content, showCancel: false, confirmColor: '#1d4f91', complete: () => resolve() });
  });
}

module.exports = { toast, confirm, alert };
