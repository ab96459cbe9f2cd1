#include <deque>
#include <iostream>
using namespace std;

int main() {
    deque<char> a = {'a', 'b', 'c'}, b = {'c', 'a', 'x'};
    int cnt = 0;
    while (a != b) {
        a.push_back(a.front());
        a.pop_front();
        if (cnt >= 1000) break;
        cnt++;
    }
    cout << cnt << "\n";  // the count is printed: stopping early changes it
}
