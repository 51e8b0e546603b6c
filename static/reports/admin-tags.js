'use strict';
// Tag autocomplete: the tag being typed (after the last comma) is completed from the existing
// tags. Arrow keys move through the list, Enter or a click picks, Escape closes. Without this
// script the field is plain comma-separated text.
(function () {
    const {debounce, quoteTag} = window.sitrepDesk;

    function parts(value) {
        return value.split(',').map((part) => part.trim());
    }

    function attach(input) {
        const listbox = document.getElementById(input.getAttribute('aria-controls'));
        let active = -1;
        let requested = '';

        function options() {
            return Array.from(listbox.querySelectorAll('[role=option]'));
        }

        function close() {
            listbox.hidden = true;
            listbox.replaceChildren();
            input.setAttribute('aria-expanded', 'false');
            input.removeAttribute('aria-activedescendant');
            active = -1;
        }

        function highlight(index) {
            const all = options();
            active = (index + all.length) % all.length;
            all.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
            input.setAttribute('aria-activedescendant', all[active].id);
        }

        function choose(name) {
            const current = parts(input.value);
            current[current.length - 1] = quoteTag(name);
            input.value = current.filter(Boolean).join(', ') + ', ';
            close();
            input.focus();
            input.dispatchEvent(new Event('input', {bubbles: true}));
        }

        async function lookup() {
            const all = parts(input.value);
            const typed = all[all.length - 1];
            if (!typed) {
                close();
                return;
            }
            requested = typed;
            const response = await fetch(input.dataset.autocompleteUrl + '?' + new URLSearchParams({q: typed}), {
                headers: {Accept: 'application/json'}, credentials: 'same-origin',
            });
            if (!response.ok || requested !== typed) {
                return; // failed, or overtaken by newer typing
            }
            const present = new Set(all.slice(0, -1).map((name) => name.toLowerCase()));
            const results = (await response.json()).results.filter((name) => !present.has(name.toLowerCase()));
            if (results.length === 0) {
                close();
                return;
            }
            listbox.replaceChildren(...results.map(function (name, i) {
                const option = document.createElement('li');
                option.id = listbox.id + '_' + i;
                option.setAttribute('role', 'option');
                option.setAttribute('aria-selected', 'false');
                option.textContent = name;
                option.dataset.tag = name;
                return option;
            }));
            listbox.hidden = false;
            input.setAttribute('aria-expanded', 'true');
            active = -1;
        }

        const lookupLater = debounce(lookup, 150);
        input.addEventListener('input', lookupLater);
        input.addEventListener('keydown', function (event) {
            if (listbox.hidden) {
                return;
            }
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
            } else if (event.key === 'Enter' && active >= 0) {
                event.preventDefault(); // pick the tag; do not submit the form
                choose(options()[active].dataset.tag);
            } else if (event.key === 'Escape') {
                close();
            }
        });
        // mousedown rather than click, so the input keeps its focus.
        listbox.addEventListener('mousedown', function (event) {
            const option = event.target.closest('[role=option]');
            if (option) {
                event.preventDefault();
                choose(option.dataset.tag);
            }
        });
        input.addEventListener('blur', () => setTimeout(close, 150));
    }

    function init() {
        document.querySelectorAll('input[data-autocomplete-url]').forEach(attach);
    }

    window.sitrepDesk.onReady(init);
})();
