// The page's behaviour: send pasted text and files, poll progress, swap in server-rendered
// fragments, load a quote's passage when it is opened, ask questions. No markup is built
// from data here: fragments come escaped from the server, and user text goes in as textContent.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const limits = document.body.dataset;
  const maxFileBytes = parseFloat(limits.maxFileMb) * 1e6;
  const maxTotalBytes = parseFloat(limits.maxTotalMb) * 1e6;
  let selected = [];
  let chatBase = null;

  async function request(url, options = {}) {
    const headers = Object.assign({ "X-CSRF-Token": csrf }, options.headers || {});
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options, { headers }));
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const data = await response.json();
        detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
      } catch (_) { /* not JSON */ }
      throw new Error(`${response.status}: ${detail}`);
    }
    return response;
  }

  function say(message) { $("form-status").textContent = message; }

  // files ---------------------------------------------------------------
  function problem(file) {
    return file.size > maxFileBytes ? `over the ${limits.maxFileMb} MB limit per file: not sent` : null;
  }

  function renderFiles() {
    const list = $("file-list");
    list.replaceChildren();
    selected.forEach((file, index) => {
      const item = document.createElement("li");
      item.className = "file";
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = file.name;
      const size = document.createElement("span");
      size.className = "meta";
      size.textContent = ` ${(file.size / 1e3).toFixed(1)} kB `;
      const note = document.createElement("span");
      note.className = "file-note";
      if (problem(file)) {
        item.classList.add("bad");
        note.textContent = problem(file);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove";
      remove.title = "Remove";
      remove.textContent = "×";
      remove.addEventListener("click", () => { selected.splice(index, 1); renderFiles(); });
      item.append(name, size, note, remove);
      list.append(item);
    });
  }

  function addFiles(files) {
    for (const file of files) selected.push(file);
    renderFiles();
  }

  $("files").addEventListener("change", (event) => { addFiles(event.target.files); event.target.value = ""; });
  const drop = $("drop");
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => { event.preventDefault(); addFiles(event.dataTransfer.files); });

  // drafting --------------------------------------------------------------
  $("draft-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("paste").value;
    const sendable = selected.filter((file) => !problem(file));
    const total = sendable.reduce((sum, file) => sum + file.size, 0) + new Blob([text]).size;
    if (!text.trim() && !sendable.length) { say("Paste a transcript or choose at least one file."); return; }
    if (total > maxTotalBytes) {
      say(`These add up to ${(total / 1e6).toFixed(0)} MB, over the ${limits.maxTotalMb} MB limit: send fewer at a time.`);
      return;
    }
    const form = new FormData();
    form.append("text", text);
    for (const file of sendable) form.append("files", file, file.name);
    $("draft-button").disabled = true;
    say("Uploading…");
    try {
      const created = await (await request("/api/drafts", { method: "POST", body: form })).json();
      selected = selected.filter((file) => problem(file));
      renderFiles();
      say("");
      poll(created.id);
    } catch (error) {
      say(error.message);
      $("draft-button").disabled = false;
    }
  });

  async function poll(id) {
    const base = `/api/drafts/${encodeURIComponent(id)}`;
    try {
      const progress = await (await request(base)).json();
      $("progress").innerHTML = progress.html;
      if (!progress.finished) { setTimeout(() => poll(id), 400); return; }
      $("draft-button").disabled = false;
      if (progress.step === "done") {
        await showDraft(`${base}/view`);
        setChat(base, "this draft's evidence");
      }
    } catch (error) {
      say(error.message);
      $("draft-button").disabled = false;
    }
  }

  async function showDraft(url) {
    const panel = $("draft");
    panel.innerHTML = await (await request(url)).text();
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
  }

  // a quote's passage loads when it is opened (one click) -----------------------
  document.addEventListener("toggle", async (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.classList.contains("quote")) return;
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "yes";
    const target = details.querySelector(".passage");
    try {
      target.innerHTML = await (await request(details.dataset.src)).text();
    } catch (error) {
      target.textContent = error.message;
      delete details.dataset.loaded;
    }
  }, true);

  // chat --------------------------------------------------------------------
  function setChat(base, label) {
    chatBase = base;
    $("chat-scope").textContent = `Questions go to ${label}.`;
    $("question").disabled = false;
    $("ask-button").disabled = false;
  }

  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question || !chatBase) return;
    const pending = document.createElement("div");
    pending.className = "answer pending";
    pending.textContent = `${question} — looking through the evidence…`;
    $("chat-log").append(pending);
    $("question").value = "";
    try {
      const data = await (await request(`${chatBase}/ask`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question }),
      })).json();
      const holder = document.createElement("div");
      holder.innerHTML = data.html;
      pending.replaceWith(...holder.childNodes);
    } catch (error) {
      pending.textContent = `${question} — ${error.message}`;
      pending.classList.add("error");
    }
  });

  document.addEventListener("click", (event) => {
    const cite = event.target.closest("a.cite");
    if (cite) {
      event.preventDefault();
      const answer = cite.closest(".answer");
      const item = answer && answer.querySelector(`ol.citations:not(.closest) li[data-n="${cite.dataset.n}"] details.quote`);
      if (item) { item.open = true; item.scrollIntoView({ block: "nearest" }); }
      return;
    }
    const version = event.target.closest("button.version");
    if (version) showVersion(version.dataset.version);
  });

  // workspace ---------------------------------------------------------------
  async function showVersion(number) {
    try {
      await showDraft(`/api/workspace/versions/${encodeURIComponent(number)}/view`);
      setChat("/api/workspace", "the whole workspace");
    } catch (error) { say(error.message); }
  }

  document.addEventListener("submit", async (event) => {
    if (event.target.id !== "diff-form") return;
    event.preventDefault();
    const form = new FormData(event.target);
    const params = new URLSearchParams({ old: form.get("old"), new: form.get("new") });
    try {
      $("diff").innerHTML = (await (await request(`/api/workspace/diff?${params}`)).json()).html;
    } catch (error) { $("diff").textContent = error.message; }
  });

  async function loadWorkspace() {
    const view = $("workspace-view");
    if (!view) return;
    try {
      view.innerHTML = await (await request("/api/workspace/view")).text();
      setChat("/api/workspace", "the whole workspace");
      const latest = view.querySelector("button.version");
      if (latest) showVersion(latest.dataset.version);
    } catch (error) { view.textContent = error.message; }
  }

  loadWorkspace();
})();
