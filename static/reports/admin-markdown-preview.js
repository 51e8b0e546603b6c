'use strict';
// Live preview of the Markdown body: the text is rendered on the server by the same
// sanitising code as the public page, a moment after one stops typing. Without this script
// the preview shows the text as it was when the page was loaded.
(function () {
    function attach(textarea) {
        const preview = document.getElementById(textarea.id + '_preview');
        const host = preview.querySelector('.markdown-preview-body');
        // The rendered text lives in the host's shadow root, beside the public stylesheet.
        const output = (host.shadowRoot && host.shadowRoot.querySelector('.body')) || host;
        const state = preview.querySelector('.markdown-preview-state');
        const token = textarea.form.elements.namedItem('csrfmiddlewaretoken').value;
        let timer = null;
        let sent = 0;

        async function render() {
            const number = ++sent;
            const body = new FormData();
            body.set('csrfmiddlewaretoken', token);
            body.set('body', textarea.value);
            let data = {};
            let ok = false;
            try {
                const response = await fetch(textarea.dataset.previewUrl, {
                    method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'same-origin',
                });
                data = await response.json().catch(() => ({}));
                ok = response.ok;
            } catch (error) {
                data = {error: 'the server could not be reached'};
            }
            if (number !== sent) {
                return; // a newer render is on its way
            }
            if (ok) {
                output.innerHTML = data.html; // sanitised on the server (reports.markdown)
                state.textContent = 'as readers will see it';
                preview.classList.remove('is-stale');
            } else {
                state.textContent = 'not updated: ' + (data.error || 'the preview failed');
                preview.classList.add('is-stale');
            }
        }

        textarea.addEventListener('input', function () {
            state.textContent = 'updating…';
            clearTimeout(timer);
            timer = setTimeout(render, 400);
        });
    }

    function init() {
        document.querySelectorAll('textarea[data-preview-url]').forEach(attach);
    }

    window.sitrepDesk.onReady(init);
})();
