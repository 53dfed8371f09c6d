// Voice notes (MediaRecorder, webm/opus) and photos (camera or gallery, downscaled here before upload).
import { t, language } from './i18n.js';
import { el } from './dom.js';

const LONGEST_SIDE = 1280;
// drawn here, not emoji: phones and kiosks without a colour-emoji font show those as empty boxes
const ICONS = {
  camera: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"/></svg>',
  mic: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M12 2a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zm-7 9a1 1 0 0 1 2 0 5 5 0 0 0 10 0 1 1 0 1 1 2 0 7 7 0 0 1-6 6.93V21h3a1 1 0 1 1 0 2H8a1 1 0 1 1 0-2h3v-3.07A7 7 0 0 1 5 11z"/></svg>',
};

function iconButton(name, className, label) {
  const button = el('button', { type: 'button', class: className, title: label, 'aria-label': label });
  button.innerHTML = ICONS[name];  // constant markup of this file
  return button;
}
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
  const photo = iconButton('camera', 'sc-photo', t('camera'));
  photo.addEventListener('click', () => picker.click());
  const voice = iconButton('mic', 'sc-voice', t('record'));
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
