#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    vector<int> sorted = a;
    sort(sorted.begin(), sorted.end());
    sorted.erase(unique(sorted.begin(), sorted.end()), sorted.end());
    int m = sorted.size();
    vector<int> tree(m + 1, 0);
    long long inversions = 0;
    for (int i = n - 1; i >= 0; i--) {
        int r = lower_bound(sorted.begin(), sorted.end(), a[i]) - sorted.begin();
        for (int p = r; p > 0; p -= p & -p) inversions += tree[p];
        for (int p = r + 1; p <= m; p += p & -p) tree[p]++;
    }
    printf("%lld\n", inversions);
    return 0;
}
