// Copy buttons (button.copy with data-target): a filled-in message, the calendar feed address, a new
// API token. The target is a form field (its value) or any element (its text); without JavaScript the
// text can still be selected by hand.
document.addEventListener("click", function (event) {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const text = document.getElementById(button.dataset.target);
  if (!text) return;
  const label = button.textContent;
  const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = label; }, 1500); };
  const value = "value" in text ? text.value : text.textContent.trim();
  const byHand = () => {
    if ("select" in text) {
      text.select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(text);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    document.execCommand("copy");
    done();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(value).then(done, byHand);
  } else {
    byHand();
  }
});
