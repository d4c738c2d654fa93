// Three short tones when an SOS comes in while the screen is open. Browsers allow sound only after
// a person has used the page (the sign-in counts); until then the title and the red card carry it.
let audio: AudioContext | undefined;

/** Call from a click or key press: browsers start audio only from one. */
export function unlockSound(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = undefined;
  }
}

export function ring(): void {
  if (!audio || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = i % 2 === 0 ? 880 : 660;
    gain.gain.setValueAtTime(0.0001, start + i * 0.35);
    gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.35 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.3);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.35);
    tone.stop(start + i * 0.35 + 0.32);
  }
}
