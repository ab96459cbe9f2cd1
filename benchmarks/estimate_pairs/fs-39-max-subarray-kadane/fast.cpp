#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    long long best = a[0], ending_here = 0;
    for (int i = 0; i < n; i++) {
        ending_here = max(a[i], ending_here + a[i]);
        best = max(best, ending_here);
    }
    printf("%lld\n", best);
    return 0;
}
