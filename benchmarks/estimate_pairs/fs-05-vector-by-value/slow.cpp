#include <cstdio>
#include <vector>
using namespace std;

long long range_sum(vector<long long> a, int l, int r) {
    long long s = 0;
    for (int i = l; i <= r; i++) s += a[i];
    return s;
}

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    while (q--) {
        int l, r;
        scanf("%d %d", &l, &r);
        printf("%lld\n", range_sum(a, l, r));
    }
    return 0;
}
