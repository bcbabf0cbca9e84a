// The page's behaviour: send pasted text and files, show how a paste splits into transcripts,
// poll progress, swap in server-rendered fragments, load a quote's passage when it is opened,
// ask questions. The current draft's id is remembered in this browser, so a reload (or a
// server restart) brings the draft and its pasted text back. No markup is built from data
// here: fragments come escaped from the server, and user text goes in as textContent.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  const limits = document.body.dataset;
  const maxFileBytes = parseFloat(limits.maxFileMb) * 1e6;
  const maxTotalBytes = parseFloat(limits.maxTotalMb) * 1e6;
  const DRAFT_KEY = "icp-draft";
  const UNSENT_KEY = "icp-unsent";
  const UNREACHABLE = "The icp serve program cannot be reached: is it still running? Start it again with icp serve, then reload this page. Your drafts are kept.";
  let selected = [];
  let chatBase = null;

  // requests: plain-language errors, and one quiet retry when the server restarted -------
  async function refreshToken() {
    const response = await fetch("/api/session", { credentials: "same-origin" });
    if (response.ok) csrf = (await response.json()).csrf_token;
  }

  async function request(url, options = {}, retried = false) {
    const headers = Object.assign({ "X-CSRF-Token": csrf }, options.headers || {});
    let response;
    try {
      response = await fetch(url, Object.assign({ credentials: "same-origin" }, options, { headers }));
    } catch (_) {
      throw new Error(UNREACHABLE);
    }
    if (response.ok) return response;
    let detail = "Something went wrong on the server. Reload the page and try again.";
    let code = null;
    try {
      const data = await response.json();
      if (typeof data.detail === "string") detail = data.detail;
      code = data.code || null;
    } catch (_) { /* not JSON */ }
    if (code === "stale_page" && !retried) {
      await refreshToken();
      return request(url, options, true);
    }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }

  function say(message) { $("form-status").textContent = message; }
  function pageStatus(message) {
    const status = $("page-status");
    status.textContent = message || "";
    status.hidden = !message;
  }

  // dates in the reader's own format ------------------------------------------------
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
  function localDates(root) {
    for (const element of root.querySelectorAll("time[datetime]:not([data-local])")) {
      const moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment)) continue;
      element.textContent = (element.dataset.format === "date" ? dateOnly : dateTime).format(moment);
      element.dataset.local = "yes";
    }
  }
  new MutationObserver(() => localDates(document)).observe(document.body, { childList: true, subtree: true });

  // paste boxes: several transcripts, the split shown for confirmation ------------------
  function boxes() { return Array.from(document.querySelectorAll("#pastes .paste-box")); }

  function addBox(text = "") {
    const number = boxes().length + 1;
    const box = document.createElement("div");
    box.className = "paste-box";
    box.dataset.box = String(number - 1);
    const label = document.createElement("label");
    label.htmlFor = `paste-${number}`;
    label.textContent = `Transcript ${number}`;
    const area = document.createElement("textarea");
    area.id = `paste-${number}`;
    area.name = "text";
    area.rows = 7;
    area.value = text;
    const split = document.createElement("div");
    split.className = "split";
    split.setAttribute("aria-live", "polite");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary remove-box";
    remove.textContent = `Remove transcript ${number}`;
    remove.addEventListener("click", () => { box.remove(); renumber(); saveUnsent(); });
    box.append(label, area, split, remove);
    $("pastes").append(box);
    watch(area);
    return area;
  }

  function renumber() {
    boxes().forEach((box, index) => { box.dataset.box = String(index); });
  }

  const timers = new WeakMap();
  function watch(area) {
    area.addEventListener("input", () => {
      saveUnsent();
      clearTimeout(timers.get(area));
      timers.set(area, setTimeout(() => previewSplit(area), 500));
    });
  }

  async function previewSplit(area) {
    const target = area.parentElement.querySelector(".split");
    const text = area.value;
    if (!text.trim()) { target.replaceChildren(); return; }
    try {
      const data = await (await request("/api/paste/split", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text }),
      })).json();
      if (area.value !== text) return;  // typed on since: a newer preview follows
      const keep = target.querySelector("input.keep-whole");
      const kept = keep ? keep.checked : false;
      target.innerHTML = data.html;
      if (data.pieces.length > 1) {
        const label = document.createElement("label");
        label.className = "keep";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.className = "keep-whole";
        box.checked = kept;
        label.append(box, document.createTextNode(" Keep it as one transcript"));
        target.append(label);
      }
    } catch (_) { target.replaceChildren(); }
  }

  function saveUnsent() {
    try { sessionStorage.setItem(UNSENT_KEY, JSON.stringify(boxes().map((b) => b.querySelector("textarea").value))); } catch (_) { /* storage off */ }
  }

  function fillBoxes(texts, whole = []) {
    const areas = boxes().map((b) => b.querySelector("textarea"));
    if (areas.some((a) => a.value.trim())) return;  // never overwrite what is being typed
    texts.forEach((text, index) => {
      const area = areas[index] || addBox();
      area.value = text;
      previewSplit(area).then(() => {
        const keep = area.parentElement.querySelector("input.keep-whole");
        if (keep && whole.includes(index)) keep.checked = true;
      });
    });
  }

  watch($("paste"));
  $("add-paste").addEventListener("click", () => addBox().focus());

  // files -----------------------------------------------------------------------
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
      remove.setAttribute("aria-label", `Remove ${file.name}`);
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

  // keyboard: Ctrl/Cmd+Enter sends the form it is typed in ------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest && event.target.closest("form");
    if (!form) return;
    event.preventDefault();
    form.requestSubmit();
  });

  // drafting --------------------------------------------------------------------
  $("draft-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const texts = boxes().map((box) => ({
      text: box.querySelector("textarea").value,
      whole: Boolean(box.querySelector("input.keep-whole:checked")),
    }));
    const sendable = selected.filter((file) => !problem(file));
    const total = sendable.reduce((sum, file) => sum + file.size, 0) + texts.reduce((sum, t) => sum + new Blob([t.text]).size, 0);
    if (!texts.some((t) => t.text.trim()) && !sendable.length) { say("Paste a transcript or choose at least one file."); return; }
    if (total > maxTotalBytes) {
      say(`These add up to ${(total / 1e6).toFixed(0)} MB, over the ${limits.maxTotalMb} MB limit: send fewer at a time.`);
      return;
    }
    const form = new FormData();
    texts.forEach((t, index) => {
      form.append("text", t.text);
      if (t.whole) form.append("whole", String(index));
    });
    for (const file of sendable) form.append("files", file, file.name);
    $("draft-button").disabled = true;
    say("Sending…");
    try {
      const created = await (await request("/api/drafts", { method: "POST", body: form })).json();
      selected = selected.filter((file) => problem(file));
      renderFiles();
      say("");
      remember(created.id);
      poll(created.id);
    } catch (error) {
      say(error.message);
      $("draft-button").disabled = false;
    }
  });

  function remember(id) {
    try { localStorage.setItem(DRAFT_KEY, id); sessionStorage.removeItem(UNSENT_KEY); } catch (_) { /* storage off */ }
  }

  async function poll(id, quiet = false) {
    const base = `/api/drafts/${encodeURIComponent(id)}`;
    try {
      const progress = await (await request(base)).json();
      $("progress").innerHTML = progress.html;
      if (!progress.finished) { setTimeout(() => poll(id, quiet), 400); return; }
      $("draft-button").disabled = false;
      if (progress.step === "done") {
        await showDraft(`${base}/view`, !quiet);
        setChat(base, "this draft's evidence");
      }
    } catch (error) {
      $("draft-button").disabled = false;
      if (error.status === 404) {
        try { localStorage.removeItem(DRAFT_KEY); } catch (_) { /* storage off */ }
      }
      say(error.message);
    }
  }

  async function showDraft(url, scroll = true) {
    const panel = $("draft");
    panel.innerHTML = await (await request(url)).text();
    panel.hidden = false;
    if (scroll) panel.scrollIntoView({ block: "start" });
  }

  // a quote's passage loads when it is opened (one click) ---------------------------
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

  // chat --------------------------------------------------------------------------
  function setChat(base, label) {
    chatBase = base;
    $("chat-scope").textContent = `Questions go to ${label}.`;
    $("question").disabled = false;
    $("ask-button").disabled = false;
  }

  function showNewest(element) {
    // the newest answer's start at the top of the chat log (its end may run below)
    const log = $("chat-log");
    const top = element.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
    log.scrollTo({ top: Math.max(0, top - 8) });
    element.scrollIntoView({ block: "nearest" });
  }

  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question || !chatBase) return;
    const pending = document.createElement("div");
    pending.className = "answer pending";
    pending.textContent = `${question} — looking through the evidence…`;
    $("chat-log").append(pending);
    showNewest(pending);
    $("question").value = "";
    try {
      const data = await (await request(`${chatBase}/ask`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question }),
      })).json();
      const holder = document.createElement("div");
      holder.innerHTML = data.html;
      const answer = holder.firstElementChild;
      pending.replaceWith(...holder.childNodes);
      if (answer) showNewest(answer);
    } catch (error) {
      pending.textContent = `${question} — ${error.message}`;
      pending.classList.add("error");
      showNewest(pending);
    }
  });

  document.addEventListener("click", (event) => {
    const cite = event.target.closest("a.cite");
    if (cite) {
      event.preventDefault();
      const answer = cite.closest(".answer");
      const item = answer && answer.querySelector(`ol.citations:not(.closest) li[data-n="${cite.dataset.n}"] details.quote`);
      if (item) { item.open = true; item.scrollIntoView({ block: "nearest" }); item.querySelector("summary").focus(); }
      return;
    }
    const version = event.target.closest("button.version");
    if (version) showVersion(version.dataset.version, true);
  });

  // workspace ---------------------------------------------------------------------
  async function showVersion(number, scroll) {
    try {
      await showDraft(`/api/workspace/versions/${encodeURIComponent(number)}/view`, scroll);
      setChat("/api/workspace", "the whole workspace");
    } catch (error) { pageStatus(error.message); }
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
    if (!view) return false;
    try {
      view.innerHTML = await (await request("/api/workspace/view")).text();
      setChat("/api/workspace", "the whole workspace");
      const latest = view.querySelector("button.version");
      if (latest) await showVersion(latest.dataset.version, false);
    } catch (error) { view.textContent = error.message; }
    return true;
  }

  // after a reload: the last draft and what was pasted for it ------------------------
  async function restore() {
    let id = null;
    try { id = localStorage.getItem(DRAFT_KEY); } catch (_) { /* storage off */ }
    if (!id) {
      let unsent = null;
      try { unsent = JSON.parse(sessionStorage.getItem(UNSENT_KEY) || "null"); } catch (_) { /* none */ }
      if (Array.isArray(unsent) && unsent.some((t) => t && t.trim())) fillBoxes(unsent);
      return;
    }
    try {
      const inputs = await (await request(`/api/drafts/${encodeURIComponent(id)}/inputs`)).json();
      fillBoxes(inputs.pasted, inputs.whole);
      if (inputs.files.length) say(`Files in this draft: ${inputs.files.join(", ")}.`);
      await poll(id, limits.workspace === "yes");
    } catch (error) {
      if (error.status === 404) {
        try { localStorage.removeItem(DRAFT_KEY); } catch (_) { /* storage off */ }
        pageStatus(error.message);
      } else {
        pageStatus(error.message);
      }
    }
  }

  localDates(document);
  loadWorkspace().then((workspace) => { if (!workspace) restore(); else restoreQuietly(); });

  // in workspace mode the saved version is the first screen; a paste draft is still refilled
  async function restoreQuietly() {
    let id = null;
    try { id = localStorage.getItem(DRAFT_KEY); } catch (_) { /* storage off */ }
    if (!id) return;
    try {
      const inputs = await (await request(`/api/drafts/${encodeURIComponent(id)}/inputs`)).json();
      fillBoxes(inputs.pasted, inputs.whole);
      const progress = await (await request(`/api/drafts/${encodeURIComponent(id)}`)).json();
      $("progress").innerHTML = progress.html;
    } catch (_) { /* the workspace view stands on its own */ }
  }
})();
