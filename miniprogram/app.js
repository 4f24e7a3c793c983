// linli 邻里 mini-program. Login is silent (wx.login → our own token, see utils/api.js); pages
// load their own data and show loading, empty and error states themselves.

const api = require('./utils/api');

App({
  onLaunch() {
    // Start the login early so the first page finds a token; a failure here is not shown:
    // the first page's own request logs in again and shows what went wrong.
    api.ensureLogin().catch(() => {});
  },
});
