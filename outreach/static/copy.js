// Copy a filled-in message to the clipboard; without JavaScript the text can be selected by hand.
document.addEventListener("click", function (event) {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const text = document.getElementById(button.dataset.target);
  if (!text) return;
  const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text.value).then(done, () => { text.select(); document.execCommand("copy"); done(); });
  } else {
    text.select();
    document.execCommand("copy");
    done();
  }
});
