// examples/prefix_sums, fast: unsynchronised streams, '\n' instead of std::endl.
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    long long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += a[i];
        cout << sum << '\n';
    }
    return 0;
}
