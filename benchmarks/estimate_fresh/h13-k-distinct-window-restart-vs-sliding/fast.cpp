#include <bits/stdc++.h>
using namespace std;

// Longest substring with at most k distinct letters: one sliding window.
int main() {
    int k;
    static char s[200005];
    scanf("%d %s", &k, s);
    int n = strlen(s);
    int freq[26] = {0};
    int distinct = 0, best = 0, where = 0, lo = 0;
    for (int hi = 0; hi < n; hi++) {
        if (freq[s[hi] - 'a']++ == 0) distinct++;
        while (distinct > k) {
            if (--freq[s[lo] - 'a'] == 0) distinct--;
            lo++;
        }
        if (hi - lo + 1 > best) {
            best = hi - lo + 1;
            where = lo;
        }
    }
    printf("%d %d\n", best, where);
    return 0;
}
