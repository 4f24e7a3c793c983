// Photos for a form: picked from the album or taken with the camera, each uploaded at once with
// its own progress; a failed one is tapped to try again, any one removed. Fires "change" with
// {mediaIds, uploading, failed} whenever a photo is added, finishes, fails or goes.

const api = require('../../utils/api');
const ui = require('../../utils/ui');

Component({
  properties: {
    max: { type: Number, value: 9 },
    purpose: { type: String, value: 'report' }, // POST /media/images' purpose
  },
  data: {
    photos: [], // {key, path, status: uploading | done | failed, progress, mediaId}
  },
  lifetimes: {
    created() {
      this.seq = 0;
    },
  },
  methods: {
    choose() {
      const room = this.data.max - this.data.photos.length;
      if (room <= 0) {
        ui.toast(`最多 ${this.data.max} 张照片`);
        return;
      }
      wx.chooseMedia({
        count: room,
        mediaType: ['image'],
        sizeType: ['compressed'],
        sourceType: ['album', 'camera'],
        success: (res) => this.add(res.tempFiles || []),
      });
    },

    add(files) {
      const room = this.data.max - this.data.photos.length;
      const added = files.slice(0, Math.max(room, 0)).map((file) => {
        this.seq += 1;
        return { key: `p${this.seq}`, path: file.tempFilePath, status: 'uploading', progress: 0, mediaId: 0 };
      });
      if (!added.length) return;
      this.setData({ photos: this.data.photos.concat(added) });
      this.changed();
      added.forEach((photo) => this.upload(photo.key));
    },

    indexOf(key) {
      return this.data.photos.findIndex((p) => p.key === key);
    },

    /** Change one photo, if it is still here (it may have been removed meanwhile). */
    update(key, changes) {
      const index = this.indexOf(key);
      if (index < 0) return false;
      const update = {};
      Object.keys(changes).forEach((field) => {
        update[`photos[${index}].${field}`] = changes[field];
      });
      this.setData(update);
      return true;
    },

    async upload(key) {
      const photo = this.data.photos[this.indexOf(key)];
      this.update(key, { status: 'uploading', progress: 0 });
      try {
        const media = await api.upload({
          path: '/media/images',
          filePath: photo.path,
          name: 'file',
          formData: { purpose: this.data.purpose },
          onProgress: (percent) => this.update(key, { progress: percent }),
        });
        if (this.update(key, { status: 'done', progress: 100, mediaId: media.id })) this.changed();
      } catch (error) {
        // api.js showed why; a tap on the photo tries again.
        if (this.update(key, { status: 'failed' })) this.changed();
      }
    },

    /** A tap on a photo: a failed one tries again, others open large. */
    onTap(e) {
      const key = e.currentTarget.dataset.key;
      const photo = this.data.photos[this.indexOf(key)];
      if (!photo) return;
      if (photo.status === 'failed') {
        this.upload(key);
        this.changed();
      } else {
        wx.previewImage({ urls: this.data.photos.map((p) => p.path), current: photo.path });
      }
    },

    // An upload still going on finishes unseen: its image is never attached.
    remove(e) {
      const key = e.currentTarget.dataset.key;
      this.setData({ photos: this.data.photos.filter((p) => p.key !== key) });
      this.changed();
    },

    changed() {
      const { photos } = this.data;
      const count = (status) => photos.filter((p) => p.status === status).length;
      this.triggerEvent('change', {
        mediaIds: photos.filter((p) => p.status === 'done').map((p) => p.mediaId),
        uploading: count('uploading'),
        failed: count('failed'),
      });
    },
  },
});
