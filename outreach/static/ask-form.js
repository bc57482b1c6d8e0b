// The follow-up date belongs to a "not now" answer: show it only then. Hidden, it is also disabled,
// so a date typed before the outcome changed is not sent. Without JavaScript the field always shows.
(function () {
  const outcome = document.getElementById("outcome");
  const wrappers = document.querySelectorAll("[data-show-for-outcome]");
  if (!outcome || !wrappers.length) return;
  function sync() {
    wrappers.forEach(function (wrapper) {
      const shown = wrapper.dataset.showForOutcome.split(" ").includes(outcome.value);
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !shown; });
    });
  }
  outcome.addEventListener("change", sync);
  sync();
})();
