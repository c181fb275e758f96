// Dossier's pages work without this file; it adds the comforts: the
// browser's time zone for the server to show times in, selects that apply
// themselves, and the "js" class that hides the buttons they replace.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) < 0) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* an old browser: the server's zone is used */ }
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
})();
