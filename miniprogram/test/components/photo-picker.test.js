/** @jest-environment jsdom */
// photo-picker, rendered: each photo uploads as soon as it is picked with its own progress, a
// failed one is tapped to try again, any one removed, at most `max`; "change" tells the page.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { renderComponent, texts, tap } = require('../helpers/pages');
const r = require('../helpers/reports-fixtures');

let backend;
let wx;
let mediaIds;

beforeEach(() => {
  mediaIds = 500;
  backend = new FakeBackend();
  backend.on('POST /media/images', () => {
    mediaIds += 1;
    return reply(r.media(mediaIds), 201);
  });
  wx = installWx(backend);
});

/** The picker with its "change" events collected. */
function render(props = { max: 9, purpose: 'report' }) {
  const comp = renderComponent('photo-picker', props);
  const changes = [];
  comp.addEventListener('change', (e) => changes.push(e.detail));
  return { comp, changes, picker: comp.instance };
}

/** The person picks `count` photos in WeChat's picker. */
function photosChosen(count, prefix = 'photo') {
  wx.will('chooseMedia', {
    tempFiles: Array.from({ length: count }, (_, i) => ({
      tempFilePath: `wxfile://tmp/${prefix}-${i + 1}.jpg`,
      size: 1000,
      fileType: 'image',
    })),
    type: 'image',
  });
}

/** Uploads held until the test lets them progress and answer. */
function heldUploads() {
  const uploads = [];
  wx.uploadFile.mockImplementation((req) => {
    const listeners = [];
    uploads.push({
      req,
      progress: (progress) => listeners.forEach((cb) => cb({ progress })),
      answer: (status, body) => req.success({ statusCode: status, data: JSON.stringify(body) }),
    });
    return { onProgressUpdate: (cb) => listeners.push(cb), abort: jest.fn() };
  });
  return uploads;
}

const keyOf = (picker, index) => ({ currentTarget: { dataset: { key: picker.data.photos[index].key } } });

test('a photo uploads as soon as it is picked, showing its progress, and can be removed', async () => {
  const uploads = heldUploads();
  const { comp, changes, picker } = render();
  photosChosen(2);

  tap(comp, '.photo-add');
  await settle();

  expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({
    count: 9,
    mediaType: ['image'],
    sizeType: ['compressed'],
  });
  expect(uploads).toHaveLength(2);
  expect(uploads[0].req).toMatchObject({
    url: 'http://127.0.0.1:8000/api/v1/media/images',
    filePath: 'wxfile://tmp/photo-1.jpg',
    name: 'file',
    formData: { purpose: 'report' },
  });
  expect(uploads[0].req.header.Authorization).toMatch(/^Bearer /);
  expect(changes.pop()).toEqual({ mediaIds: [], uploading: 2, failed: 0 });

  uploads[0].progress(40);
  await settle();
  expect(texts(comp, '.photo-progress')).toEqual(['上传中 40%', '上传中 0%']);
  uploads[0].answer(201, r.media(501));
  await settle();
  expect(picker.data.photos[0]).toMatchObject({ status: 'done', progress: 100, mediaId: 501 });
  expect(changes.pop()).toEqual({ mediaIds: [501], uploading: 1, failed: 0 });

  // The second is removed while still uploading; its late answer changes nothing.
  picker.remove(keyOf(picker, 1));
  expect(changes.pop()).toEqual({ mediaIds: [501], uploading: 0, failed: 0 });
  const told = changes.length;
  uploads[1].answer(201, r.media(502));
  await settle();
  expect(picker.data.photos.map((p) => p.mediaId)).toEqual([501]);
  expect(changes).toHaveLength(told);
  expect(texts(comp, '.photo-progress')).toEqual([]);
});

test('a failed upload says so on the photo, and a tap on it tries again', async () => {
  backend.on('POST /media/images', jsonError(413, 'media_too_large', '图片太大，请选择 10 MB 以内的图片'));
  const { comp, changes, picker } = render();
  photosChosen(1);

  picker.choose();
  await settle();

  expect(picker.data.photos[0].status).toBe('failed');
  expect(texts(comp, '.photo-retry')).toEqual(['上传失败，点此重试']);
  expect(wx.toasts()).toContain('图片太大，请选择 10 MB 以内的图片');
  expect(changes.pop()).toEqual({ mediaIds: [], uploading: 0, failed: 1 });

  backend.on('POST /media/images', reply(r.media(600), 201));
  tap(comp, '.photo-retry');
  await settle();

  expect(picker.data.photos[0]).toMatchObject({ status: 'done', mediaId: 600 });
  expect(changes.pop()).toEqual({ mediaIds: [600], uploading: 0, failed: 0 });
  expect(backend.callsTo('POST /media/images')).toHaveLength(2);
  expect(texts(comp, '.photo-retry')).toEqual([]);
});

test('a tap on an uploaded photo opens them all large', async () => {
  const { picker } = render();
  photosChosen(2);
  picker.choose();
  await settle();

  picker.onTap(keyOf(picker, 1));

  expect(wx.previewImage).toHaveBeenCalledWith({
    urls: ['wxfile://tmp/photo-1.jpg', 'wxfile://tmp/photo-2.jpg'],
    current: 'wxfile://tmp/photo-2.jpg',
  });
  expect(backend.callsTo('POST /media/images')).toHaveLength(2); // nothing uploaded again
});

test('at most `max`: the picker asks only for what is left, and once full it is refused', async () => {
  const { comp, changes, picker } = render({ max: 3, purpose: 'report' });
  photosChosen(2, 'first');
  picker.choose();
  await settle();

  photosChosen(3, 'second'); // more than asked for: only the room left is taken
  picker.choose();
  await settle();
  expect(wx.chooseMedia.mock.calls[1][0].count).toBe(1);
  expect(picker.data.photos.map((p) => p.path)).toEqual([
    'wxfile://tmp/first-1.jpg',
    'wxfile://tmp/first-2.jpg',
    'wxfile://tmp/second-1.jpg',
  ]);
  expect(changes.pop()).toEqual({ mediaIds: [501, 502, 503], uploading: 0, failed: 0 });
  expect(texts(comp, '.photo-add')).toEqual([]); // full: no add button

  picker.choose();
  expect(wx.chooseMedia).toHaveBeenCalledTimes(2);
  expect(wx.toasts()).toContain('最多 3 张照片');
});

test('closing the picker without a photo changes nothing', async () => {
  const { changes, picker } = render();

  picker.choose();
  await settle();

  expect(wx.chooseMedia).toHaveBeenCalledTimes(1);
  expect(picker.data.photos).toEqual([]);
  expect(changes).toEqual([]);
  expect(wx.uploadFile).not.toHaveBeenCalled();
});
