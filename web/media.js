// Voice notes (MediaRecorder, webm/opus) and photos (camera or gallery, downscaled here before upload).
import { t, language } from './i18n.js';
import { el } from './dom.js';

const LONGEST_SIDE = 1280;
const MAX_BYTES = 10 * 1024 * 1024;

async function downscaled(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = el('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
}

function upload(chat, field, blob, name, shown) {
  if (blob.size > MAX_BYTES) return chat.notice(t('tooLarge'), 'error');
  const form = new FormData();
  form.append(field, blob, name);
  form.append('language', language);
  chat.post(shown, { body: form });
}

export function attachMedia(chat) {
  const picker = el('input', { type: 'file', accept: 'image/*', hidden: '', class: 'sc-file' });
  picker.addEventListener('change', async () => {
    const file = picker.files[0];
    picker.value = '';
    if (file) upload(chat, 'image', await downscaled(file), 'photo.jpg', t('photo'));
  });
  const photo = el('button', { type: 'button', class: 'sc-photo', title: t('camera'), 'aria-label': t('camera'),
    onclick: () => picker.click() }, '📷');
  const voice = el('button', { type: 'button', class: 'sc-voice', title: t('record'), 'aria-label': t('record') }, '🎤');
  let recorder = null;
  voice.addEventListener('click', async () => {
    if (recorder) return recorder.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const parts = [];
      recorder = new MediaRecorder(stream, { mimeType: 'audio/webm;codecs=opus' });
      recorder.ondataavailable = (e) => parts.push(e.data);
      recorder.onstop = () => {
        stream.getTracks().forEach((track) => track.stop());
        recorder = null;
        voice.classList.remove('sc-recording');
        voice.title = t('record');
        upload(chat, 'audio', new Blob(parts, { type: 'audio/webm' }), 'voice.webm', t('voice'));
      };
      recorder.start();
      voice.classList.add('sc-recording');
      voice.title = t('stop');
    } catch {
      chat.notice(t('noMic'), 'error');
    }
  });
  chat.form.prepend(photo, voice, picker);
}
