// The bylines' author pickers, named for screen readers: select2 draws its own combobox,
// which does not carry the name of the <select> it stands for.
(function () {
  "use strict";
  function nameThePickers(group) {
    group.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = select.getAttribute("aria-label") || "Author";
      select.parentElement.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (part) {
        if (part.getAttribute("aria-label") !== name) {
          part.setAttribute("aria-label", name);
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var group = document.getElementById("bylines-group");
    if (!group) {
      return;
    }
    nameThePickers(group);
    // select2 draws (and redraws) its parts after this script has run.
    new MutationObserver(function () { nameThePickers(group); }).observe(group, { childList: true, subtree: true });
  });
})();
