#include <climits>
#include <iostream>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    long long sum = 0, best = LLONG_MIN;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        sum += x;
        if (x > best) best = x;
    }
    cout << sum << " " << best << "\n";
    return 0;
}
