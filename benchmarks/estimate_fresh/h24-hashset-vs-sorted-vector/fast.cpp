#include <bits/stdc++.h>
using namespace std;

// n values, then q windows [a, a+w): how many integers of each window are present.
int main() {
    int n, q, w;
    scanf("%d %d %d", &n, &q, &w);
    vector<int> present(n);
    for (int i = 0; i < n; i++) scanf("%d", &present[i]);
    sort(present.begin(), present.end());
    present.erase(unique(present.begin(), present.end()), present.end());
    long long total = 0, weighted = 0;
    for (int i = 0; i < q; i++) {
        int a;
        scanf("%d", &a);
        int hits = 0;
        for (int t = a; t < a + w; t++) hits += binary_search(present.begin(), present.end(), t);
        total += hits;
        weighted += (long long)hits * (i + 1);
    }
    printf("%lld %lld\n", total, weighted);
    return 0;
}
