// Runs before the console's first paint (a plain file: the Content-Security-Policy allows no inline script).
// The last theme this browser's user chose puts its colour scheme on <html>, so a dark theme never flashes light.
(function () {
  try {
    var saved = JSON.parse(localStorage.getItem('auditcaseos.display') || 'null');
    var theme = saved && saved.theme;
    if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
  } catch (e) { /* storage blocked or unreadable: the system's theme */ }
})();
