#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    sort(a.begin(), a.end());
    while (q--) {
        int x;
        scanf("%d", &x);
        printf("%d\n", int(upper_bound(a.begin(), a.end(), x) - a.begin()));
    }
    return 0;
}
