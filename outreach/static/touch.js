// Quick-log: post the touch form in the background and update warmth, its chart, readiness and the
// timeline in place.
// Without JavaScript the form posts normally and the page reloads.
(function () {
  const form = document.getElementById("touch-form");
  if (!form || !window.fetch) return;
  const status = document.getElementById("touch-status");
  function replace(id, html, whole) {
    const part = document.getElementById(id);
    if (!part || typeof html !== "string") return;
    if (whole) part.outerHTML = html;
    else part.innerHTML = html;
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    status.textContent = "Saving…";
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
    } catch (error) {
      status.textContent = "Could not reach the server; nothing was saved.";
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const fields = body.fields || {};
      status.textContent = Object.keys(fields).map((k) => k + ": " + fields[k]).join("; ") || "Could not save.";
      return;
    }
    const badge = document.querySelector("#warmth-now .warmth");
    if (badge) {
      badge.textContent = Math.round(body.warmth);
      badge.style.setProperty("--w", Math.round(body.warmth));
    }
    const timeline = document.getElementById("timeline");
    const empty = timeline.querySelector(".empty");
    if (empty) empty.remove();
    timeline.insertAdjacentHTML("afterbegin", body.row);
    // The server renders the parts a touch changes (sentence and chart, fit/trust/timing); swap them in.
    replace("warmth-detail", body.warmth_html, true);
    replace("readiness", body.readiness_html, false);
    status.textContent = body.message;
    form.querySelector("[name=note]").value = "";
    form.querySelector("[name=url]").value = "";
  });
})();
