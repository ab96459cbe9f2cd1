#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    long long best = -1, s = 0;
    int where = -1;
    for (int i = 0; i < n; i++) {
        s += a[i];
        if (i >= k) s -= a[i - k];
        if (i >= k - 1 && (where < 0 || s > best)) best = s, where = i - k + 1;
    }
    printf("%lld %d\n", best, where);
    return 0;
}
