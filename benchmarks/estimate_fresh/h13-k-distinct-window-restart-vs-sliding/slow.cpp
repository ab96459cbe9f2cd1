#include <bits/stdc++.h>
using namespace std;

// Longest substring with at most k distinct letters: restart a count from every position.
int main() {
    int k;
    static char s[200005];
    scanf("%d %s", &k, s);
    int n = strlen(s);
    int best = 0, where = 0;
    for (int i = 0; i < n; i++) {
        int freq[26] = {0};
        int distinct = 0;
        for (int j = i; j < n; j++) {
            if (freq[s[j] - 'a']++ == 0) distinct++;
            if (distinct > k) break;
            if (j - i + 1 > best) {
                best = j - i + 1;
                where = i;
            }
        }
    }
    printf("%d %d\n", best, where);
    return 0;
}
