// The screen's one way out: every path other than /screen (the login, 返回工作台,
// a console page a tile links to) is a full page load of the console's entry.

let leaving = false;

/** Loads a console page in place of the screen, once (a second navigation would cut the first short). */
export function leaveFor(url: string) {
  if (leaving) return;
  leaving = true;
  window.location.replace(url);
}
