'use strict';
// Small helpers shared by the desk's admin scripts (loaded before them).
window.sitrepDesk = {
    debounce: function (fn, wait) {
        let timer = null;
        return function () {
            clearTimeout(timer);
            timer = setTimeout(fn, wait);
        };
    },
    // A tag name as taggit reads it back from a list: quoted when it holds a comma or a space
    // (a lone "Green Zone" would otherwise be read as two tags).
    quoteTag: function (name) {
        return /[,\s"]/.test(name) ? '"' + name.replaceAll('"', '') + '"' : name;
    },
    onReady: function (init) {
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', init);
        } else {
            init();
        }
    },
};
