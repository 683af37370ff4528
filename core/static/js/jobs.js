// Keeps a job page up to date while the job waits or runs: polls the job's JSON and updates the status,
// the progress bar and the messages; reloads the page once the job has ended, to show its result and
// buttons. Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  var root = document.querySelector("[data-job-status]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-job-status");
  var bar = root.querySelector("progress");
  var text = root.querySelector("[data-job-progress-text]");
  var state = root.querySelector("[data-job-state]");
  var messages = root.querySelector("[data-job-messages]");
  var shown = state.getAttribute("data-job-state");
  var delay = 1000;

  function show(job) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
      bar.textContent = job.progress_text;
    }
    text.textContent = job.progress_text;
    if (job.messages.length !== messages.children.length) {
      messages.textContent = "";
      job.messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        messages.appendChild(item);
      });
      messages.hidden = job.messages.length === 0;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (job) {
        if (job.finished || job.state !== shown) {
          // Ended, or started: the page itself shows the result, the notes and the buttons that now apply.
          window.location.reload();
          return;
        }
        show(job);
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // the server is busy or away: ask less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
