// Entity pages: when the reader arrives from a name in a document, bring the
// passage they came from into view (the server already marked it "current").
(function () {
  "use strict";
  var current = document.querySelector(".passage.current");
  if (current) {
    current.scrollIntoView({ block: "center" });
    current.setAttribute("tabindex", "-1");
    current.focus({ preventScroll: true });
  }
})();
