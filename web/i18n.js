// zh or en, following the browser's language.
export const language = (navigator.languages?.[0] || navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';

const TEXT = {
  en: {
    title: 'Shop assistant', placeholder: 'Type a message…', send: 'Send', typing: 'Typing…',
    reconnecting: 'Reconnecting…', offline: 'No connection. Your message will be sent when you are back online.',
    expired: 'This conversation has expired; a new one has started.', failed: 'Sorry, something went wrong.',
    delayed: 'Your message is safe and will be answered shortly.',
    humanHere: (a) => `${a} from our team is handling this conversation`, humanJoined: (a) => `${a} joined the conversation`,
    humanLeft: 'Our assistant is back to help you.', humanClosed: 'The conversation was closed. Write any time if you need more help.',
    person: (a) => a, voice: '[Voice note]', photo: '[Photo]', inStock: (n, of) => `In stock (${n} of ${of} options)`,
    outOfStock: 'Out of stock', record: 'Record a voice note', stop: 'Stop and send', camera: 'Send a photo',
    tooLarge: 'This file is too large.', noMic: 'The microphone is not available.',
  },
  zh: {
    title: '智能客服', placeholder: '请输入消息…', send: '发送', typing: '正在输入…',
    reconnecting: '正在重新连接…', offline: '网络已断开，恢复后会自动发送您的消息。',
    expired: '对话已过期，已为您开始新的对话。', failed: '抱歉，出了点问题。',
    delayed: '您的消息已保存，稍后会回复您。',
    humanHere: (a) => `人工客服 ${a} 正在为您服务`, humanJoined: (a) => `人工客服 ${a} 已加入对话`,
    humanLeft: '智能客服继续为您服务。', humanClosed: '对话已结束，如需帮助请随时留言。',
    person: (a) => `人工客服 ${a}`, voice: '[语音]', photo: '[图片]', inStock: (n, of) => `有货（${of} 款中 ${n} 款）`,
    outOfStock: '缺货', record: '录制语音', stop: '停止并发送', camera: '发送图片',
    tooLarge: '文件太大了。', noMic: '无法使用麦克风。',
  },
};

// a page's table of words ({en: {...}, zh: {...}}) as t(key, ...args) in the browser's language; an entry that
// is a function takes the arguments
export function translator(table) {
  return (key, ...args) => {
    const value = table[language][key] ?? table.en[key] ?? key;
    return typeof value === 'function' ? value(...args) : value;
  };
}

export const t = translator(TEXT);
