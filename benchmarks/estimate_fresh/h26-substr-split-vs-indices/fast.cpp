#include <bits/stdc++.h>
using namespace std;

// A comma-separated list of words: count palindromes, the longest word, distinct first letters.
bool isPal(const char* w, size_t n) {
    for (size_t i = 0, j = n; i + 1 < j; i++, j--)
        if (w[i] != w[j - 1]) return false;
    return true;
}

int main() {
    string s;
    getline(cin, s);
    int pal = 0, words = 0;
    size_t bestStart = 0, bestLen = 0;
    bool first[26] = {};
    size_t start = 0;
    while (true) {
        size_t p = s.find(',', start);
        size_t end = p == string::npos ? s.size() : p;
        size_t len = end - start;
        words++;
        if (isPal(s.data() + start, len)) pal++;
        if (len > bestLen) { bestLen = len; bestStart = start; }
        if (len > 0) first[s[start] - 'a'] = true;
        if (p == string::npos) break;
        start = p + 1;
    }
    int letters = 0;
    for (bool b : first) letters += b;
    printf("%d %d %d %s\n", words, pal, letters, s.substr(bestStart, bestLen).c_str());
    return 0;
}
