#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n), len(n, 1);
    for (auto &x : a) scanf("%d", &x);
    int best = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            if (a[j] < a[i]) len[i] = max(len[i], len[j] + 1);
        best = max(best, len[i]);
    }
    printf("%d\n", best);
    return 0;
}
