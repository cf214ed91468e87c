// The site's only script: pages carry no inline JavaScript (Content-Security-Policy: script-src 'self').
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
