'use strict';
// Period-aware authoring on the report form, kept current as one types:
// - a new report's period follows its series' latest report when the series is chosen;
// - the house-style title and slug are proposed from the series and period, replacing the
//   title only while it is empty or still the previous proposal (never one typed by hand);
// - period warnings, tags found in the text and near-duplicate tags are shown in the
//   "Authoring notes" panel.
// The server renders the same notes when the page loads, so without this script nothing is
// missing but the live updates.
(function () {
    const {debounce, quoteTag} = window.sitrepDesk;

    function replaceItems(list, items, build) {
        list.replaceChildren(...items.map(function (item) {
            const li = document.createElement('li');
            build(li, item);
            return li;
        }));
    }

    function init() {
        const notes = document.getElementById('authoring-notes');
        const form = document.getElementById('report_form');
        if (!notes || !form) {
            return;
        }
        const field = (name) => form.elements.namedItem(name);
        const series = field('series');
        const start = field('period_start');
        const end = field('period_end');
        const title = field('title');
        const slug = field('slug');
        const tags = field('tags');
        const textFields = [field('summary'), field('body')].filter(Boolean);
        if (!series || !start || !end || !title) {
            return; // a read-only form: nothing to propose
        }
        const warningList = notes.querySelector('.authoring-warnings');
        const proposalLine = notes.querySelector('.authoring-proposal');
        const proposedTitle = notes.querySelector('.proposed-title');
        const suggestionBox = notes.querySelector('.tag-suggestions');
        const suggestionList = suggestionBox.querySelector('.tag-chips');
        const nearList = notes.querySelector('.tag-near-duplicates');
        const slugLocked = Boolean(notes.dataset.slugLocked);
        let proposal = {title: notes.dataset.proposedTitle || '', slug: notes.dataset.proposedSlug || ''};
        // On a new report the period is ours to fill until the writer changes it.
        let periodIsDefault = !notes.dataset.reportId;

        function updateVisibility() {
            proposalLine.hidden = !proposal.title || title.value === proposal.title;
            proposedTitle.textContent = proposal.title;
            suggestionBox.hidden = suggestionList.children.length === 0;
            notes.hidden = proposalLine.hidden && suggestionBox.hidden &&
                warningList.children.length === 0 && nearList.children.length === 0;
        }

        async function getProposal(withPeriod) {
            const params = new URLSearchParams({series: series.value, report: notes.dataset.reportId || ''});
            if (withPeriod) {
                params.set('period_start', start.value);
                params.set('period_end', end.value);
            }
            const response = await fetch(notes.dataset.proposalUrl + '?' + params, {
                headers: {Accept: 'application/json'}, credentials: 'same-origin',
            });
            const data = await response.json().catch(() => ({}));
            return response.ok ? data : {warnings: data.error ? [data.error] : []};
        }

        async function refreshPeriod(seriesChanged) {
            if (seriesChanged && periodIsDefault && series.value) {
                const data = await getProposal(false);
                if (data.next_period) {
                    start.value = data.next_period.start;
                    end.value = data.next_period.end;
                }
            }
            const data = await getProposal(true);
            if (data.proposal) {
                // Decided now, from what is on screen: a hand-typed title or slug is never replaced.
                if (title.value === '' || title.value === proposal.title) {
                    title.value = data.proposal.title;
                }
                if (slug && !slugLocked && (slug.value === '' || slug.value === proposal.slug)) {
                    slug.value = data.proposal.slug;
                }
                proposal = data.proposal;
            }
            replaceItems(warningList, data.warnings || [], function (li, text) {
                li.className = 'warning';
                li.textContent = text;
            });
            updateVisibility();
        }

        async function refreshTags() {
            const body = new FormData();
            body.set('csrfmiddlewaretoken', form.elements.namedItem('csrfmiddlewaretoken').value);
            body.set('summary', field('summary') ? field('summary').value : '');
            body.set('body', field('body') ? field('body').value : '');
            body.set('tags', tags ? tags.value : '');
            const response = await fetch(notes.dataset.suggestionsUrl, {
                method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'same-origin',
            });
            if (!response.ok) {
                return;
            }
            const data = await response.json();
            replaceItems(suggestionList, data.suggestions, function (li, name) {
                const button = document.createElement('button');
                button.type = 'button';
                button.className = 'tag-chip button';
                button.dataset.tag = name;
                button.textContent = '+ ' + name;
                button.setAttribute('aria-label', notes.dataset.addTagLabel.replace('{name}', name));
                li.append(button);
            });
            replaceItems(nearList, data.near_duplicates, function (li, near) {
                li.className = 'warning';
                // The sentence the page was served with, in the editor's language.
                li.textContent = notes.dataset.nearDuplicate.replace('{tag}', near.tag)
                    .replace('{others}', near.existing.join('”, “'));
            });
            updateVisibility();
        }

        const periodLater = debounce(() => refreshPeriod(false), 300);
        const tagsLater = debounce(refreshTags, 600);
        series.addEventListener('change', () => refreshPeriod(true));
        [start, end].forEach(function (input) {
            input.addEventListener('input', function () {
                periodIsDefault = false;
                periodLater();
            });
            // The admin's calendar and "Today" shortcut set the value without an input event.
            input.addEventListener('change', periodLater);
        });
        title.addEventListener('input', updateVisibility);
        textFields.forEach((input) => input.addEventListener('input', tagsLater));
        if (tags) {
            tags.addEventListener('input', tagsLater);
            suggestionList.addEventListener('click', function (event) {
                const chip = event.target.closest('button.tag-chip');
                if (!chip) {
                    return;
                }
                const current = tags.value.split(',').map((part) => part.trim()).filter(Boolean);
                current.push(quoteTag(chip.dataset.tag));
                tags.value = current.join(', ');
                tags.dispatchEvent(new Event('input', {bubbles: true}));
                chip.closest('li').remove();
                updateVisibility();
            });
        }
        // A proposal shown by the server for an empty slug is filled in at once.
        if (slug && !slugLocked && slug.value === '' && proposal.slug && title.value === proposal.title) {
            slug.value = proposal.slug;
        }
        refreshTags();
    }

    window.sitrepDesk.onReady(init);
})();
