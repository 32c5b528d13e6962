// The Publish page's writing aids: a live preview of the body, rendered by
// the server exactly as the article page will render it (POST
// /api/v1/preview), and images uploaded to IPFS (POST /api/v1/media) that
// become the manifest's media items, each with its alt text and whether it
// is AI-generated.

/** MAX_IMAGE_BYTES mirrors the server's limit (internal/http MaxMediaBytes). */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const PREVIEW_DELAY_MS = 300;
const AI_TERM = "trainedAlgorithmicMedia";
/** DEFAULT_AI_DISCLOSURE is offered, editable, when the author ticks AI-generated. */
const DEFAULT_AI_DISCLOSURE = "Visuals were produced with AI tools and are not real photographs.";

const $ = (id) => document.getElementById(id);

function say(el, text, kind) {
  el.textContent = text;
  el.dataset.kind = kind || "";
}

/**
 * Compose wires the preview and the images. api is the page's JSON client;
 * ready says whether the author is signed in (both endpoints need a session).
 */
export class Compose {
  constructor(api, ready) {
    this.api = api;
    this.ready = ready;
    this.timer = 0;
    this.seq = 0;
  }

  start() {
    $("body").addEventListener("input", () => this.schedule());
    for (const id of ["cover-file", "inline-file"]) {
      $(id).addEventListener("change", (ev) => this.upload(ev.target));
    }
    const list = $("media-list");
    list.addEventListener("click", (ev) => {
      const row = ev.target.closest("[data-media]");
      if (!row) {
        return;
      }
      if (ev.target.closest("[data-remove]")) {
        row.remove();
        this.schedule();
      } else if (ev.target.closest("[data-insert]")) {
        this.insert(row);
      }
    });
    list.addEventListener("change", (ev) => {
      if (ev.target.name === "media_ai") {
        this.aiChanged(ev.target.closest("[data-media]"));
      }
    });
    for (const row of list.querySelectorAll("[data-media]")) {
      this.aiChanged(row);
    }
  }

  /** refresh renders the preview now, e.g. right after signing in. */
  refresh() {
    clearTimeout(this.timer);
    this.render();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.render(), PREVIEW_DELAY_MS);
  }

  async render() {
    const status = $("preview-status");
    const pane = $("preview");
    if (!this.ready()) {
      say(status, "Sign in to see the preview.", "");
      return;
    }
    const body = $("body").value;
    const n = ++this.seq;
    if (body.trim() === "") {
      pane.replaceChildren();
      say(status, "The preview appears here as you type.", "");
      return;
    }
    say(status, "Rendering…", "busy");
    try {
      const r = await this.api("POST", "/api/v1/preview", { body, media: this.cids() });
      if (n !== this.seq) {
        return; // a newer keystroke's preview is on its way
      }
      // The server sanitized this HTML (internal/render, the article page's
      // renderer), and the page's CSP runs no inline script anyway.
      pane.innerHTML = r.html;
      say(status, "", "ok");
    } catch (e) {
      if (n === this.seq) {
        say(status, "No preview: " + e.message, "error");
      }
    }
  }

  cids() {
    return Array.from(document.querySelectorAll("#media-list [data-media]"), (row) => row.dataset.cid);
  }

  async upload(input) {
    const status = $("media-status");
    const file = input.files && input.files[0];
    if (!file) {
      return;
    }
    const role = input.dataset.role;
    try {
      if (!this.ready()) {
        throw new Error("sign in first");
      }
      if (file.size > MAX_IMAGE_BYTES) {
        throw new Error(file.name + " is " + file.size + " bytes, the limit is " + MAX_IMAGE_BYTES);
      }
      say(status, "Uploading " + file.name + "…", "busy");
      const m = await this.api("POST", "/api/v1/media", file);
      if (this.cids().includes(m.cid)) {
        throw new Error(file.name + " is already in this article (" + m.cid + "): a manifest lists each image once");
      }
      if (role === "cover") {
        for (const old of document.querySelectorAll('#media-list [data-media][data-role="cover"]')) {
          old.remove();
        }
      }
      const row = this.addRow(m, role);
      say(status, "Stored " + file.name + " on IPFS as " + m.cid + ". Describe it in its alt text.", "ok");
      row.querySelector("[name=media_alt]").focus();
      this.schedule();
    } catch (e) {
      say(status, "Upload refused: " + e.message, "error");
    } finally {
      input.value = "";
    }
  }

  addRow(m, role) {
    const row = $("media-row-template").content.firstElementChild.cloneNode(true);
    row.dataset.cid = m.cid;
    row.dataset.mime = m.mime_type;
    row.dataset.size = String(m.size);
    row.dataset.role = role;
    row.querySelector("img").src = "/ipfs/" + m.cid;
    row.querySelector("[data-role-label]").textContent = role;
    row.querySelector("[data-cid-label]").textContent = m.cid + " · " + Math.ceil(m.size / 1024) + " KiB";
    const list = $("media-list");
    if (role === "cover") {
      list.prepend(row);
    } else {
      list.append(row);
    }
    return row;
  }

  /** insert writes the image into the body at the cursor, as Markdown. */
  insert(row) {
    const body = $("body");
    const alt = row.querySelector("[name=media_alt]").value.trim().replace(/[\[\]\n]/g, " ") || "image";
    const md = "![" + alt + "](ipfs://" + row.dataset.cid + ")";
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? start;
    const before = body.value.slice(0, start);
    const sep = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    body.setRangeText(sep + md + "\n\n", start, end, "end");
    body.focus();
    this.schedule();
  }

  /**
   * aiChanged keeps the Origin select truthful: ticking AI-generated shows the
   * AI source type the manifest will carry (and remembers the person-made
   * type), unticking brings that type back.
   */
  aiChanged(row) {
    const ai = row.querySelector("[name=media_ai]").checked;
    const select = row.querySelector("[name=media_source]");
    const aiOption = select.querySelector("[data-ai-option]");
    if (aiOption) {
      if (ai && !aiOption.selected) {
        row.dataset.nonAi = select.value;
        aiOption.hidden = false;
        aiOption.selected = true;
      } else if (!ai) {
        aiOption.hidden = true;
        if (aiOption.selected) {
          select.value = row.dataset.nonAi || select.options[0].value;
        }
      }
    }
    select.disabled = ai;
    const disclosure = $("ai_disclosure");
    if (ai && disclosure.value.trim() === "") {
      disclosure.value = DEFAULT_AI_DISCLOSURE;
    }
  }

  /**
   * media returns the manifest's media items, members in canonical (sorted)
   * order so the stored manifest reads back equal.
   */
  media() {
    return Array.from(document.querySelectorAll("#media-list [data-media]"), (row) => {
      const ai = row.querySelector("[name=media_ai]").checked;
      return {
        alt: row.querySelector("[name=media_alt]").value.trim(),
        cid: row.dataset.cid,
        digital_source_type: ai ? row.dataset.aiTerm || AI_TERM : row.querySelector("[name=media_source]").value,
        mime_type: row.dataset.mime,
        role: row.dataset.role,
        size: Number(row.dataset.size),
      };
    });
  }
}
