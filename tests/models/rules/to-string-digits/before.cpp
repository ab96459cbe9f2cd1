#include <iostream>
#include <string>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long pairs = 0, digits = 0;
    for (int i = -n; i <= n; i++) {
        int first = to_string(i).front() - '0';
        int last = to_string(i).back() - '0';
        if (first == last) pairs++;
        digits += to_string(i).size() + (to_string(i)[0] == '-');
    }
    cout << pairs << " " << digits << "\n";
}
