// Video cards: the frame to show (a muted <video> paused at that time: the browser decodes one frame,
// nothing is stored) and the time badge; the preview plays from the moment found.

/** m:ss (h:mm:ss from an hour), as players show times. */
export function clock(t) {
  const s = Math.floor(t), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A still of the video at `time` seconds (a media fragment: the browser seeks there and shows that frame). */
export function videoThumb(src, time = 0) {
  const v = document.createElement('video');
  v.muted = true;
  v.playsInline = true;
  v.preload = 'metadata';
  v.setAttribute('aria-hidden', 'true');
  if (src) v.src = `${src}#t=${time}`;
  return v;
}

/** Shows video `src` in the preview's player, from `time` seconds. */
export function playFrom(player, src, time = 0) {
  player.hidden = false;
  player.src = src;
  const seek = () => { player.currentTime = time; };
  if (player.readyState >= 1) seek();
  else player.addEventListener('loadedmetadata', seek, { once: true });
  player.dataset.time = String(time);
}
