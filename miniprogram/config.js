// Where the mini-program finds linli: the one place to change per deployment.
// In production apiBaseUrl must be an https domain listed in the mini-program's 服务器域名 settings.
module.exports = {
  apiBaseUrl: 'http://127.0.0.1:8000',
  community: 'beijiao',
  requestTimeoutMs: 15000,
  // How often the staff notice report refreshes while the WeChat push is still going out.
  deliveryPollMs: 3000,
};
