#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    long long best = -1;
    int where = -1;
    for (int i = 0; i + k <= n; i++) {
        long long s = 0;
        for (int j = i; j < i + k; j++) s += a[j];
        if (where < 0 || s > best) best = s, where = i;
    }
    printf("%lld %d\n", best, where);
    return 0;
}
